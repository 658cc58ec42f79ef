/// Appends integer columns in the byte forms the storage engine uses: LEB128 varints, zigzag for
/// signed values, and a zero-run form for streams that are mostly zero (delta-of-delta time
/// stamps of a regular sensor, device counters that count by one).
///
/// Every form is byte-aligned: it costs a little more than Gorilla's bit packing on noisy data
/// and decodes several times faster, and the zero runs take back what bit packing would save on
/// regular data.
struct ColumnWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func signed(_ value: Int64) {
        varint(Self.zigzag(value))
    }

    mutating func rawDouble(_ value: Double) {
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }

    /// Writes `values` as signed varints where a run of zeros becomes one 0x00 byte and the run
    /// length less one (a non-zero zigzag varint never starts with 0x00).
    mutating func zeroRuns<C: Collection>(_ values: C) where C.Element == Int64 {
        var index = values.startIndex
        while index != values.endIndex {
            let value = values[index]
            if value != 0 {
                signed(value)
                values.formIndex(after: &index)
                continue
            }
            var run: UInt64 = 0
            while index != values.endIndex && values[index] == 0 {
                run += 1
                values.formIndex(after: &index)
            }
            bytes.append(0)
            varint(run - 1)
        }
    }

    @inline(__always)
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    @inline(__always)
    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
