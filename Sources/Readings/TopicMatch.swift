/// Where the fields of a series are in a received topic, as byte offsets into it.
///
/// Ranges rather than strings so that matching allocates nothing; `nil` for `site` or `line`
/// means the template does not carry that field and the template's default applies.
public struct TopicMatch: Sendable, Equatable {
    public var site: Range<Int>?
    public var line: Range<Int>?
    public var device: Range<Int>
    /// `nil` for the device-level form: sensor names then come from the payload.
    public var sensor: Range<Int>?

    /// True when the topic names a device, not a sensor (several sensors per payload).
    public var isDeviceLevel: Bool { sensor == nil }

    public init(site: Range<Int>?, line: Range<Int>?, device: Range<Int>, sensor: Range<Int>?) {
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
    }
}
