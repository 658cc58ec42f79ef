@testable import CoreStorage
import TestSupport
import Testing

/// The compressed block form (format 2) and the head row form: exact round trips, the sizes
/// that make compaction worth it, and damaged bytes reported rather than crashing.
@Suite("Series block codec")
struct SeriesBlockCodecTests {
    static func roundTrip(_ block: SeriesBlock) throws -> (SeriesBlock, Int) {
        var out = ColumnWriter()
        SeriesBlockCodec.encode(block, into: &out)
        let decoded = try out.bytes.withUnsafeBytes { try SeriesBlockCodec.decode($0, what: "test block") }
        return (decoded, out.bytes.count)
    }

    @Test("odd values and times come back bit for bit")
    func exactRoundTrip() throws {
        let block = SeriesBlock(
            ts: [-3_600_001, -5, 0, 0, 1, 1_732_399_200_000, 1_732_399_200_000, Int64.max / 2],
            value: [-0.0, 1.5, .leastNonzeroMagnitude, -1e300, 71.25, 3, 3, .greatestFiniteMagnitude],
            seq: [-1, 5, 6, -1, 9, 10, 10, 11],
            storedAt: [0, 0, 7, 7, 7, 9, 9, Int64.max])
        let (decoded, _) = try Self.roundTrip(block)
        #expect(decoded.ts == block.ts)
        #expect(decoded.value.map(\.bitPattern) == block.value.map(\.bitPattern))
        #expect(decoded.seq == block.seq)
        #expect(decoded.storedAt == block.storedAt)
    }

    @Test("decimal values use the smallest exponent that gives them back exactly")
    func decimalExponent() {
        #expect(SeriesBlockCodec.decimalExponent([71.25, 3, -0.5]) == 2)
        #expect(SeriesBlockCodec.decimalExponent([1, 2, 300]) == 0)
        #expect(SeriesBlockCodec.decimalExponent([0.1, 0.2, 0.30000000000000004]) == nil)
        #expect(SeriesBlockCodec.decimalExponent([1e300]) == nil)
        #expect(SeriesBlockCodec.decimalExponent([-0.0]) == nil)
    }

    @Test("an hour of a 1 Hz sensor with two decimals takes under 1.5 bytes a reading with its seq and store time")
    func regularSensorIsSmall() throws {
        var random = SeededGenerator(seed: 7)
        var block = SeriesBlock()
        var value = 60.0
        for i in 0..<3_600 {
            value = ((value + Double(Int.random(in: -20...20, using: &random)) / 100) * 100).rounded() / 100
            block.append(ts: baseTime + Int64(i) * 1_000, value: value, seq: Int64(1_000 + i), storedAt: baseTime + Int64(i / 60) * 60_000)
        }
        let (decoded, size) = try Self.roundTrip(block)
        #expect(decoded == block)
        #expect(Double(size) / 3_600 < 1.5, "\(size) bytes")
        // Jittered arrival times (±3 ms) still cost about a byte a time stamp.
        var jittered = block
        jittered.ts = jittered.ts.map { $0 + Int64.random(in: -3...3, using: &random) }
        let (back, jitteredSize) = try Self.roundTrip(jittered)
        #expect(back == jittered)
        #expect(Double(jitteredSize) / 3_600 < 2.6, "\(jitteredSize) bytes")
    }

    @Test("values without a short decimal form fall back to XOR and still round-trip")
    func xorFallback() throws {
        var random = SeededGenerator(seed: 11)
        let values = (0..<500).map { _ in Double.random(in: -1...1, using: &random) }
        let block = SeriesBlock(
            ts: (0..<500).map { baseTime + Int64($0) * 100 }, value: values, seq: Array(repeating: -1, count: 500),
            storedAt: Array(repeating: 5, count: 500))
        let (decoded, _) = try Self.roundTrip(block)
        #expect(decoded.value.map(\.bitPattern) == values.map(\.bitPattern))
        let constant = SeriesBlock(ts: [1, 2, 3], value: [.pi, .pi, .pi], seq: [-1, -1, -1], storedAt: [1, 1, 1])
        #expect(try Self.roundTrip(constant).0 == constant)
    }

    @Test("damaged or hostile bytes give an error naming the block, never a crash")
    func damagedBytes() throws {
        var out = ColumnWriter()
        var random = SeededGenerator(seed: 3)
        let block = SeriesBlock(
            ts: (0..<200).map { baseTime + Int64($0) * 1_000 }, value: (0..<200).map { Double($0) / 4 },
            seq: (0..<200).map(Int64.init), storedAt: Array(repeating: 9, count: 200))
        SeriesBlockCodec.encode(block, into: &out)
        let valid = out.bytes
        for _ in 0..<5_000 {
            var bytes = valid
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            case 1: for _ in 0..<Int.random(in: 1...4, using: &random) { bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            default: bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            do {
                let decoded = try bytes.withUnsafeBytes { try SeriesBlockCodec.decode($0, what: "block 9") }
                #expect(decoded.value.count == decoded.count && decoded.seq.count == decoded.count && decoded.storedAt.count == decoded.count)
            } catch {
                #expect("\(error)".contains("block 9"))
            }
        }
        // A count beyond the limit is refused before anything is allocated.
        var huge = ColumnWriter()
        huge.byte(SeriesBlockCodec.format)
        huge.varint(UInt64(SeriesBlockCodec.maxReadings) + 1)
        #expect(throws: ReadingStoreError.self) { try huge.bytes.withUnsafeBytes { try SeriesBlockCodec.decode($0, what: "huge") } }
    }

    @Test("a head row keeps each reading's series, time, value and seq")
    func headRowRoundTrip() throws {
        let row = HeadRow(seriesID: [3, 1, 3, 900_000], ts: [5, -1, 5, Int64.max / 4], value: [1.5, -0.0, .pi, 7], seq: [-1, 4, -1, 12])
        var out = ColumnWriter()
        HeadRowCodec.encode(row, into: &out)
        let back = try out.bytes.withUnsafeBytes { try HeadRowCodec.decode($0, what: "head row 1") }
        #expect(back.seriesID == row.seriesID && back.ts == row.ts && back.seq == row.seq)
        #expect(back.value.map(\.bitPattern) == row.value.map(\.bitPattern))
        let noSeq = HeadRow(seriesID: [1], ts: [1], value: [1], seq: [-1])
        HeadRowCodec.encode(noSeq, into: &out)
        #expect(try out.bytes.withUnsafeBytes { try HeadRowCodec.decode($0, what: "head row 2") } == noSeq)
        #expect(throws: ReadingStoreError.self) { try out.bytes.dropLast().withUnsafeBytes { try HeadRowCodec.decode($0, what: "head row 2") } }
    }

    @Test("compaction layout sorts each series by time, cuts it at hours and sums each hour")
    func compactionLayout() {
        let rows: [(storedAt: Int64, row: HeadRow)] = [
            (10, HeadRow(seriesID: [2, 1, 2], ts: [baseTime + hour + 5, baseTime + 1, baseTime + 9], value: [3, 1, 2], seq: [-1, -1, -1])),
            (20, HeadRow(seriesID: [2, 1], ts: [baseTime + 9, baseTime + 1], value: [4, 5], seq: [7, -1])),
        ]
        let layout = CompactionLayout(rows)
        #expect(layout.readings == 5)
        #expect(layout.runs.map(\.seriesID) == [1, 2, 2])
        #expect(layout.runs[0].readings.value == [1, 5])
        #expect(layout.runs[0].last == 5)
        #expect(layout.runs[1].readings.value == [2, 4])
        #expect(layout.runs[1].readings.storedAt == [10, 20])
        #expect(layout.runs[1].readings.seq == [-1, 7])
        #expect(layout.runs[1].sum == 6)
        #expect(layout.runs[2].hour == baseTime + hour)
        #expect(layout.totals.map(\.count) == [2, 3])
        #expect(layout.totals[1].lastValue == 3)
    }
}
