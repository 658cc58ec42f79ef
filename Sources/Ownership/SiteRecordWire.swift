internal import Foundation

/// What every record on the site broker carries on the wire: its version and the epoch it
/// belongs to. ``decode(_:maxBytes:)`` does the checks all of them share.
protocol SiteRecordWire: Decodable {
    var v: Int { get }
    var epoch: UInt64 { get }
}

extension SiteRecordWire {
    /// Bounds the payload, parses it and checks the version and the epoch; the caller checks
    /// its own fields.
    static func decode(_ bytes: some Collection<UInt8>, maxBytes: Int, version: Int = 1) throws(SiteRecordError) -> Self {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maxBytes else { throw .tooLarge(bytes.count) }
        let wire: Self
        do {
            wire = try JSONDecoder().decode(Self.self, from: Data(bytes))
        } catch {
            throw SiteRecordError.malformed(error)
        }
        guard wire.v == version else { throw .field("v", "version \(wire.v) is not \(version)") }
        guard (1...OwnerRecordCodec.maxEpoch).contains(wire.epoch) else {
            throw .field("epoch", "\(wire.epoch) is not in 1…\(OwnerRecordCodec.maxEpoch)")
        }
        return wire
    }
}
