// Decoding runs in the core, once per batch, not on the receive thread: Foundation is fine here.
import Foundation

extension BatchCodec {
    /// The wire layout, for `JSONDecoder`.
    private struct Wire: Decodable {
        var edge: String
        var seq: Int64
        var series: [[String]]
        var sid: [UInt32]
        var ts: [Int64]
        var value: [Double]
        var dseq: [Int64]?
    }

    /// Reads a batch and checks that its columns fit together.
    /// - Throws: ``BatchDecodingError`` saying which member is wrong.
    public static func decode(_ bytes: some Collection<UInt8>) throws(BatchDecodingError) -> Batch {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw BatchDecodingError(.invalidJSON, describe(error))
        } catch {
            throw BatchDecodingError(.invalidJSON, "not JSON")
        }
        var series: [Series] = []
        series.reserveCapacity(wire.series.count)
        for (index, fields) in wire.series.enumerated() {
            guard fields.count == 5 else {
                throw BatchDecodingError(.invalidSeries, "series[\(index)] has \(fields.count) fields, expected 5 (site, line, device, sensor, unit)")
            }
            series.append(Series(site: fields[0], line: fields[1], device: fields[2], sensor: fields[3], unit: fields[4]))
        }
        let count = wire.sid.count
        for (name, length) in [("ts", wire.ts.count), ("value", wire.value.count), ("dseq", wire.dseq?.count ?? count)]
        where length != count {
            throw BatchDecodingError(.columnLengthMismatch, "\(name) has \(length) entries but sid has \(count)")
        }
        if let index = wire.sid.firstIndex(where: { Int($0) >= series.count }) {
            throw BatchDecodingError(.sidOutOfRange, "sid[\(index)] = \(wire.sid[index]) but the batch has \(series.count) series")
        }
        return Batch(
            edge: wire.edge, seq: wire.seq, series: series, sid: wire.sid, ts: wire.ts, value: wire.value,
            deviceSeq: wire.dseq.map { $0.map { max($0, -1) } } ?? Array(repeating: -1, count: count))
    }

    /// Names the member at fault without echoing payload bytes.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "the top level" : String(path.drop(while: { $0 == "." }))
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing member \"\(key.stringValue)\" at \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "invalid value at \(path(context))"
        @unknown default:
            return "not a batch"
        }
    }
}
