internal import Foundation

/// The one codec of ``OwnerRecord``: `{"v":1,"edge":"seoul-a","epoch":7,"state":"active"}`.
///
/// Anyone who may publish to the owner topic could send anything there, so decoding bounds
/// the size first and checks every field; a bad record is an error naming the field, never a
/// crash, and the caller ignores it (and counts it).
public enum OwnerRecordCodec {
    /// Longest payload decoded.
    public static let maxBytes = 512
    /// Longest edge id (as `edge.id` in the configuration).
    public static let maxEdgeBytes = 128
    /// Largest epoch (exact in a JSON number everywhere).
    public static let maxEpoch: UInt64 = 1 << 53

    private struct Wire: Codable, SiteRecordWire {
        var v: Int
        var edge: String
        var epoch: UInt64
        var state: String
    }

    public static func encode(_ record: OwnerRecord) -> [UInt8] {
        let wire = Wire(v: 1, edge: record.edge, epoch: record.epoch, state: record.state.rawValue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding four plain fields cannot fail.
        return Array((try? encoder.encode(wire)) ?? Data())
    }

    public static func decode(_ bytes: some Collection<UInt8>) throws(SiteRecordError) -> OwnerRecord {
        let wire = try Wire.decode(bytes, maxBytes: maxBytes)
        guard let state = OwnerRecord.State(rawValue: wire.state) else {
            throw .field("state", "\"\(wire.state.prefix(32))\" is not active or released")
        }
        guard !wire.edge.isEmpty, wire.edge.utf8.count <= maxEdgeBytes,
              !wire.edge.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw .field("edge", "empty, longer than \(maxEdgeBytes) bytes or with control characters") }
        return OwnerRecord(edge: wire.edge, epoch: wire.epoch, state: state)
    }
}
