/// Writes one JSON object member by member, for the codecs that write by hand (stop-command
/// records, edge status reports, the core's device registry): the callers give the members in
/// sorted order, every one every time, `null` for what is not known.
public struct JSONObjectWriter {
    public private(set) var bytes: [UInt8]
    private var first = true

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// The object, closed.
    public var finished: [UInt8] { bytes + [UInt8(ascii: "}")] }

    /// A member whose value is already JSON text.
    public mutating func raw(_ name: String, _ json: some Sequence<UInt8>) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        BatchCodec.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: json)
    }

    /// A string member; `null` when nil.
    public mutating func string(_ name: String, _ value: String?) {
        guard let value else { return raw(name, "null".utf8) }
        var quoted: [UInt8] = []
        BatchCodec.appendString(value, to: &quoted)
        raw(name, quoted)
    }

    /// An integer member.
    public mutating func integer(_ name: String, _ value: Int64) { raw(name, String(value).utf8) }

    /// A boolean member.
    public mutating func bool(_ name: String, _ value: Bool) { raw(name, (value ? "true" : "false").utf8) }

    /// An RFC 3339 time with milliseconds in UTC; `null` when nil.
    public mutating func time(_ name: String, _ millis: Int64?) { string(name, millis.map { RFC3339.format(millis: $0) }) }
}
