/// One device of the core's registry as the store keeps it: its place and its record in the
/// registry's own form (JSON, written and read by `DeviceRecordCodec` in CoreService), so a
/// restarted core still knows when each device was first seen and what it missed.
public struct StoredDevice: Sendable, Equatable {
    public var site: String
    public var line: String
    public var device: String
    public var json: String

    public init(site: String, line: String, device: String, json: String) {
        self.site = site
        self.line = line
        self.device = device
        self.json = json
    }
}
