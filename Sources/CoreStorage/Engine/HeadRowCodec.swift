/// One stored batch as the head keeps it until compaction: a single row per batch, however many
/// series it touches, which is what makes ingest cost independent of cardinality.
struct HeadRow: Sendable, Equatable {
    /// Each reading's store-wide series id.
    var seriesID: [Int64] = []
    var ts: [Int64] = []
    var value: [Double] = []
    /// Each reading's device seq (-1: none).
    var seq: [Int64] = []

    var count: Int { ts.count }
}

/// The byte form of a ``HeadRow`` (head format 1): written once per batch on the ingest path,
/// so it favours speed over size (values raw; the blocks compaction writes are the compact form).
///
/// ```
/// format (1) · count (varint) · has seq (0|1)
/// series ids, ts: zigzag deltas from the reading before · values: raw little-endian doubles
/// seq (if any): zigzag deltas
/// ```
enum HeadRowCodec {
    static let format: UInt8 = 1

    static func encode(_ row: HeadRow, into out: inout ColumnWriter) {
        out.reset()
        let n = row.count
        out.byte(format)
        out.varint(UInt64(n))
        let hasSeq = row.seq.contains { $0 >= 0 }
        out.byte(hasSeq ? 1 : 0)
        var previous: Int64 = 0
        for id in row.seriesID {
            out.signed(id &- previous)
            previous = id
        }
        previous = 0
        for t in row.ts {
            out.signed(t &- previous)
            previous = t
        }
        for v in row.value { out.rawDouble(v) }
        if hasSeq {
            previous = 0
            for s in row.seq {
                out.signed(s &- previous)
                previous = s
            }
        }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, what: String) throws(ReadingStoreError) -> HeadRow {
        var reader = ColumnReader(bytes, what: what)
        guard try reader.byte() == format else { throw reader.failure("unknown head row format") }
        let n = try reader.count(atMost: SeriesBlockCodec.maxReadings)
        let hasSeq = try reader.byte() == 1
        var row = HeadRow()
        row.seriesID.reserveCapacity(n)
        row.ts.reserveCapacity(n)
        row.value.reserveCapacity(n)
        var current: Int64 = 0
        for _ in 0..<n {
            current = current &+ (try reader.signed())
            row.seriesID.append(current)
        }
        current = 0
        for _ in 0..<n {
            current = current &+ (try reader.signed())
            row.ts.append(current)
        }
        for _ in 0..<n { row.value.append(try reader.rawDouble()) }
        if hasSeq {
            row.seq.reserveCapacity(n)
            current = 0
            for _ in 0..<n {
                current = current &+ (try reader.signed())
                row.seq.append(current)
            }
        } else {
            row.seq = [Int64](repeating: -1, count: n)
        }
        guard reader.isAtEnd else { throw reader.failure("bytes after the head row") }
        return row
    }
}
