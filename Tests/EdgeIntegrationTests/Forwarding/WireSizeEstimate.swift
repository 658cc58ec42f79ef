import CompressNIO
import NIOCore
import Readings

/// What other batch encodings would cost on the WAN, measured on real batches; for proposing a
/// change to the wire format (DESIGN §3.4), not for sending.
enum WireSizeEstimate {
    enum Variant: String, CaseIterable {
        /// The current columnar JSON.
        case current = "current JSON"
        /// `ts` as differences from the reading before (first absolute).
        case deltaTs = "ts delta"
        /// …and `dseq` as differences from the series' previous reading.
        case deltaTsSeq = "ts + dseq delta"
        /// …with readings grouped by series (series-major), so deltas run within one series.
        case seriesMajor = "series-major, ts + dseq delta"
    }

    static func gzipBytes(_ bytes: [UInt8]) -> Int {
        var buffer = ByteBuffer(bytes: bytes)
        return (try? buffer.compress(with: .gzip()).readableBytes) ?? 0
    }

    static func encode(_ batch: Batch, as variant: Variant) -> [UInt8] {
        guard variant != .current else { return BatchCodec.encode(batch) }
        var order = Array(0..<batch.count)
        if variant == .seriesMajor { order.sort { (batch.sid[$0], $0) < (batch.sid[$1], $1) } }
        var text = #"{"edge":"\#(batch.edge)","seq":\#(batch.seq),"series":["#
        text += batch.series.map { s in "[" + [s.site, s.line, s.device, s.sensor, s.unit].map { "\"\($0)\"" }.joined(separator: ",") + "]" }
            .joined(separator: ",")
        text += #"],"sid":["# + order.map { String(batch.sid[$0]) }.joined(separator: ",")
        var previousTs: Int64 = 0
        text += #"],"dts":["# + order.map { index in
            defer { previousTs = batch.ts[index] }
            return String(batch.ts[index] - previousTs)
        }.joined(separator: ",")
        text += #"],"value":["# + order.map { batch.value[$0].description }.joined(separator: ",")
        var lastSeq: [UInt32: Int64] = [:]
        text += #"],"dseq":["# + order.map { index in
            let seq = batch.deviceSeq.isEmpty ? -1 : batch.deviceSeq[index]
            guard variant != .deltaTs else { return String(seq) }
            defer { lastSeq[batch.sid[index]] = seq }
            return String(seq - (lastSeq[batch.sid[index]] ?? 0))
        }.joined(separator: ",") + "]}"
        return Array(text.utf8)
    }
}
