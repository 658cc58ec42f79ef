/// The byte forms of a schema-2 storage block's columns (format 1): kept to read blocks of older
/// databases while upgrading them (``SQLiteStoreWriter/convertVersion2Blocks(_:)``), and for
/// tests that write such databases. Reading goes through ``ColumnReader``.
///
/// - `ts`: a format byte (1), then the first timestamp as a zigzag varint, then each following
///   timestamp as an unsigned varint delta (a block is sorted, so deltas are ≥ 0; a 1 s sensor
///   costs 2 bytes a reading instead of 8).
/// - `value`: a format byte (1), then the doubles as raw little-endian bits. Raw rather than
///   XOR-compressed: ingest speed comes first, and the byte is there so a compressed form can
///   follow without a migration.
/// - `seq` (the devices' `seq` counters; NULL when no reading has one): a format byte (1), then
///   each seq as a zigzag varint delta from the one before (from 0), so a device counting up
///   costs one byte a reading; -1 marks a reading without one.
enum BlockCodec {
    static let timestampFormat: UInt8 = 1
    static let valueFormat: UInt8 = 1
    static let seqFormat: UInt8 = 1

    /// Appends the `ts` column of `ts[range]` (sorted ascending) to `out`.
    static func encodeTimestamps(_ ts: UnsafeBufferPointer<Int64>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.append(timestampFormat)
        guard let first = ts.first else { return }
        appendVarint(UInt64(bitPattern: (first << 1) ^ (first >> 63)), to: &out)
        var previous = first
        for t in ts.dropFirst() {
            appendVarint(UInt64(bitPattern: t &- previous), to: &out)
            previous = t
        }
    }

    /// Appends the `value` column to `out`.
    static func encodeValues(_ values: UnsafeBufferPointer<Double>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.append(valueFormat)
        for v in values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
    }

    /// Appends the `seq` column to `out`.
    static func encodeSeqs(_ seqs: UnsafeBufferPointer<Int64>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.append(seqFormat)
        var previous: Int64 = 0
        for seq in seqs {
            let delta = seq &- previous
            appendVarint(UInt64(bitPattern: (delta << 1) ^ (delta >> 63)), to: &out)
            previous = seq
        }
    }

    /// Decodes a `seq` column of `count` readings, appending to `out`.
    static func decodeSeqs(count: Int, _ bytes: UnsafeRawBufferPointer, into out: inout [Int64]) throws(ReadingStoreError) {
        guard bytes.first == seqFormat else { throw ReadingStoreError(.schema, "block seqs in an unknown form") }
        var reader = ColumnReader(bytes, what: "block seqs (format 1) of \(count) readings")
        _ = try reader.byte()
        var previous: Int64 = 0
        for _ in 0..<count {
            previous = previous &+ (try reader.signed())
            out.append(previous)
        }
    }

    /// Decodes both columns of a block of `count` readings, appending to `ts` and `values`.
    static func decode(
        count: Int, timestamps: UnsafeRawBufferPointer, values: UnsafeRawBufferPointer,
        into ts: inout [Int64], _ out: inout [Double]
    ) throws(ReadingStoreError) {
        guard values.first == valueFormat, values.count == 1 + 8 * count else {
            throw ReadingStoreError(.schema, "block of \(count) values in an unknown form")
        }
        try decodeTimestamps(count: count, timestamps, into: &ts)
        for index in 0..<count {
            let bits = values.loadUnaligned(fromByteOffset: 1 + 8 * index, as: UInt64.self)
            out.append(Double(bitPattern: UInt64(littleEndian: bits)))
        }
    }

    /// Decodes the `ts` column of a block of `count` readings, appending to `ts`.
    static func decodeTimestamps(count: Int, _ timestamps: UnsafeRawBufferPointer, into ts: inout [Int64]) throws(ReadingStoreError) {
        guard timestamps.first == timestampFormat else {
            throw ReadingStoreError(.schema, "block of \(count) timestamps in an unknown form")
        }
        var reader = ColumnReader(timestamps, what: "block timestamps (format 1) of \(count) readings")
        _ = try reader.byte()
        var previous: Int64 = 0
        for index in 0..<count {
            let raw = try reader.varint()
            previous = index == 0 ? ColumnWriter.unzigzag(raw) : previous &+ Int64(bitPattern: raw)
            ts.append(previous)
        }
    }

    @inline(__always)
    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
