/// The compressed form of a ``SeriesBlock`` (block format 2), shared by both backends.
///
/// ```
/// format (1 byte = 2) · count (varint)
/// ts:       first (zigzag) · first delta (zigzag) · delta-of-deltas (zero runs)
/// value:    kind 0 (decimal): exponent e · first mantissa (zigzag) · mantissa deltas (zero runs)
///           kind 1 (xor):     per value a control byte (leading << 4 | trailing zero bytes of
///                             value XOR previous; 0xFF = same value) and the bytes between
/// seq:      kind 0 (none, all -1) | kind 1: first · first delta · delta-of-deltas (zero runs)
/// storedAt: number of runs (varint) · per run: delta from the run before (zigzag), length − 1
/// ```
///
/// Why these: plant sensors report at a fixed period (delta-of-delta 0: one byte per run of
/// readings), with a fixed number of decimals (values become small integers whose steps fit a
/// byte, as VictoriaMetrics stores them), devices count `seq` by one, and a block's readings
/// arrive in a few batches (a few `storedAt` runs). Values without a short decimal form fall
/// back to Gorilla's XOR with the previous value, byte-aligned. Decoding checks every length
/// (``ColumnReader``), so a damaged block is an error, not a crash.
enum SeriesBlockCodec {
    static let format: UInt8 = 2
    /// Most readings one block may hold (a hostile count cannot make a decoder allocate more).
    static let maxReadings = 1 << 20
    /// Largest decimal exponent tried.
    static let maxExponent = 9
    static let powersOfTen: [Double] = (0...maxExponent).map { e in (0..<e).reduce(1.0) { r, _ in r * 10 } }

    /// Encodes `block` (sorted by ts, at most ``maxReadings``) into `out`, replacing its contents.
    static func encode(_ block: SeriesBlock, into out: inout ColumnWriter) {
        out.reset()
        let n = block.count
        precondition(n <= maxReadings && block.value.count == n && block.seq.count == n && block.storedAt.count == n)
        out.byte(format)
        out.varint(UInt64(n))
        guard n > 0 else { return }
        writeCounter(block.ts, into: &out)
        writeValues(block.value, into: &out)
        if block.seq.allSatisfy({ $0 < 0 }) {
            out.byte(0)
        } else {
            out.byte(1)
            writeCounter(block.seq, into: &out)
        }
        writeRuns(block.storedAt, into: &out)
    }

    /// Decodes a block written by ``encode(_:into:)``.
    /// - Parameter what: names the block in errors (e.g. `"block 42 of series 7"`).
    static func decode(_ bytes: UnsafeRawBufferPointer, what: String) throws(ReadingStoreError) -> SeriesBlock {
        var reader = ColumnReader(bytes, what: what)
        guard try reader.byte() == format else { throw reader.failure("unknown block format") }
        let n = try reader.count(atMost: maxReadings)
        var block = SeriesBlock()
        guard n > 0 else { return block }
        block.reserve(n)
        block.ts = try readCounter(count: n, &reader)
        block.value = try readValues(count: n, &reader)
        switch try reader.byte() {
        case 0: block.seq = [Int64](repeating: -1, count: n)
        case 1: block.seq = try readCounter(count: n, &reader)
        default: throw reader.failure("unknown seq form")
        }
        block.storedAt = try readRuns(count: n, &reader)
        guard reader.isAtEnd else { throw reader.failure("bytes after the block") }
        return block
    }

    // MARK: counters (ts, seq): delta of delta

    private static func writeCounter(_ values: [Int64], into out: inout ColumnWriter) {
        out.signed(values[0])
        guard values.count > 1 else { return }
        out.signed(values[1] &- values[0])
        out.zeroRuns(DeltaOfDeltas(values: values))
    }

    private static func readCounter(count n: Int, _ reader: inout ColumnReader) throws(ReadingStoreError) -> [Int64] {
        var values = [Int64]()
        values.reserveCapacity(n)
        var current = try reader.signed()
        values.append(current)
        guard n > 1 else { return values }
        var delta = try reader.signed()
        current = current &+ delta
        values.append(current)
        try reader.zeroRuns(count: n - 2) { dod in
            delta = delta &+ dod
            current = current &+ delta
            values.append(current)
        }
        return values
    }

    // MARK: values

    private static func writeValues(_ values: [Double], into out: inout ColumnWriter) {
        if let exponent = decimalExponent(values) {
            let scale = powersOfTen[exponent]
            out.byte(0)
            out.byte(UInt8(exponent))
            var deltas = [Int64]()
            deltas.reserveCapacity(values.count - 1)
            var previous = Int64((values[0] * scale).rounded())
            out.signed(previous)
            for v in values.dropFirst() {
                let mantissa = Int64((v * scale).rounded())
                deltas.append(mantissa &- previous)
                previous = mantissa
            }
            out.zeroRuns(deltas)
            return
        }
        out.byte(1)
        var previous: UInt64 = 0
        for v in values {
            let bits = v.bitPattern
            let x = bits ^ previous
            previous = bits
            if x == 0 {
                out.byte(0xFF)
                continue
            }
            let leading = x.leadingZeroBitCount / 8
            let trailing = x.trailingZeroBitCount / 8
            out.byte(UInt8(leading << 4 | trailing))
            var shifted = x >> UInt64(trailing * 8)
            for _ in 0..<(8 - leading - trailing) {
                out.byte(UInt8(truncatingIfNeeded: shifted))
                shifted >>= 8
            }
        }
    }

    private static func readValues(count n: Int, _ reader: inout ColumnReader) throws(ReadingStoreError) -> [Double] {
        var values = [Double]()
        values.reserveCapacity(n)
        switch try reader.byte() {
        case 0:
            let exponent = Int(try reader.byte())
            guard exponent <= maxExponent else { throw reader.failure("decimal exponent \(exponent)") }
            let scale = powersOfTen[exponent]
            var mantissa = try reader.signed()
            values.append(Double(mantissa) / scale)
            try reader.zeroRuns(count: n - 1) { delta in
                mantissa = mantissa &+ delta
                values.append(Double(mantissa) / scale)
            }
        case 1:
            var previous: UInt64 = 0
            for _ in 0..<n {
                let control = try reader.byte()
                if control != 0xFF {
                    let leading = Int(control >> 4)
                    let trailing = Int(control & 0x0F)
                    guard leading + trailing < 8 else { throw reader.failure("value control byte \(control)") }
                    var x: UInt64 = 0
                    for k in 0..<(8 - leading - trailing) {
                        x |= UInt64(try reader.byte()) << UInt64(8 * k)
                    }
                    previous ^= x << UInt64(trailing * 8)
                }
                values.append(Double(bitPattern: previous))
            }
        default:
            throw reader.failure("unknown value form")
        }
        return values
    }

    /// The smallest exponent `e` such that every value is an integer mantissa `m` with
    /// `Double(m) / 10^e` giving back exactly its bits (so decoding is exact), or nil.
    static func decimalExponent(_ values: [Double]) -> Int? {
        var exponent = 0
        for v in values {
            while exponent <= maxExponent && !fits(v, exponent) { exponent += 1 }
            if exponent > maxExponent { return nil }
        }
        // A value that fit a smaller exponent may not round-trip at the final one: check all.
        return values.allSatisfy { fits($0, exponent) } ? exponent : nil
    }

    @inline(__always)
    private static func fits(_ v: Double, _ exponent: Int) -> Bool {
        let scale = powersOfTen[exponent]
        let scaled = (v * scale).rounded()
        // 2^53: beyond it mantissa deltas could lose bits; also keeps Int64(...) from trapping.
        guard scaled.magnitude <= 9_007_199_254_740_992 else { return false }
        return (Double(Int64(scaled)) / scale).bitPattern == v.bitPattern
    }

    // MARK: store times: runs

    private static func writeRuns(_ values: [Int64], into out: inout ColumnWriter) {
        var runs: [(value: Int64, length: Int)] = []
        for v in values {
            if let last = runs.last, last.value == v {
                runs[runs.count - 1].length += 1
            } else {
                runs.append((v, 1))
            }
        }
        out.varint(UInt64(runs.count))
        var previous: Int64 = 0
        for run in runs {
            out.signed(run.value &- previous)
            out.varint(UInt64(run.length - 1))
            previous = run.value
        }
    }

    private static func readRuns(count n: Int, _ reader: inout ColumnReader) throws(ReadingStoreError) -> [Int64] {
        let runs = try reader.count(atMost: n)
        var values = [Int64]()
        values.reserveCapacity(n)
        var current: Int64 = 0
        for _ in 0..<runs {
            current = current &+ (try reader.signed())
            let length = try reader.count(atMost: n - values.count - 1) + 1
            values.append(contentsOf: repeatElement(current, count: length))
        }
        guard values.count == n else { throw reader.failure("store-time runs cover \(values.count) of \(n)") }
        return values
    }
}

/// The delta-of-deltas of a counter column from its third element on.
private struct DeltaOfDeltas: Collection {
    let values: [Int64]
    var startIndex: Int { 2 }
    var endIndex: Int { Swift.max(2, values.count) }
    func index(after i: Int) -> Int { i + 1 }
    subscript(i: Int) -> Int64 {
        (values[i] &- values[i - 1]) &- (values[i - 1] &- values[i - 2])
    }
}
