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

    private struct Wire: Codable {
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

    public static func decode(_ bytes: some Collection<UInt8>) throws(OwnerRecordError) -> OwnerRecord {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maxBytes else { throw .tooLarge(bytes.count) }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch {
            throw .malformed(Self.describe(error))
        }
        guard wire.v == 1 else { throw .field("v", "version \(wire.v) is not 1") }
        guard let state = OwnerRecord.State(rawValue: wire.state) else {
            throw .field("state", "\"\(wire.state.prefix(32))\" is not active or released")
        }
        guard !wire.edge.isEmpty, wire.edge.utf8.count <= maxEdgeBytes,
              !wire.edge.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw .field("edge", "empty, longer than \(maxEdgeBytes) bytes or with control characters") }
        guard (1...maxEpoch).contains(wire.epoch) else { throw .field("epoch", "\(wire.epoch) is not in 1…\(maxEpoch)") }
        return OwnerRecord(edge: wire.edge, epoch: wire.epoch, state: state)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "field \(key.stringValue) missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "field \(context.codingPath.map(\.stringValue).joined(separator: ".")): wrong type"
        default: "not a valid JSON record (numbers: whole, 0 or more)"
        }
    }
}

/// Why an owner record was not taken.
public enum OwnerRecordError: Error, Equatable, CustomStringConvertible {
    /// An empty payload (a cleared retained message).
    case empty
    case tooLarge(Int)
    case malformed(String)
    case field(String, String)

    public var description: String {
        switch self {
        case .empty: "owner record: empty payload"
        case .tooLarge(let bytes): "owner record: \(bytes) bytes, more than \(OwnerRecordCodec.maxBytes)"
        case .malformed(let detail): "owner record: \(detail)"
        case .field(let name, let detail): "owner record: field \(name): \(detail)"
        }
    }
}
