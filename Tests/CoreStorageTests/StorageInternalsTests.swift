@testable import CoreStorage
import Readings
import Testing

/// The pure parts under both backends: block encoding, batch regrouping and the rollup/raw split.
@Suite("Storage internals")
struct StorageInternalsTests {
    @Test("blocks round-trip timestamps (negative, equal, far apart) and values bit for bit")
    func blockRoundTrip() throws {
        let ts: [Int64] = [-3_600_001, -5, 0, 0, 1, 1_732_399_200_000, 1_732_399_200_000, Int64.max / 2]
        let values: [Double] = [-0.0, 1.5, .leastNonzeroMagnitude, -1e300, 71.25, 3, 3, .greatestFiniteMagnitude]
        var tsBytes: [UInt8] = []
        var valueBytes: [UInt8] = []
        ts.withUnsafeBufferPointer { BlockCodec.encodeTimestamps($0, into: &tsBytes) }
        values.withUnsafeBufferPointer { BlockCodec.encodeValues($0, into: &valueBytes) }
        var decodedTs: [Int64] = []
        var decodedValues: [Double] = []
        try tsBytes.withUnsafeBytes { t in
            try valueBytes.withUnsafeBytes { v in
                try BlockCodec.decode(count: ts.count, timestamps: t, values: v, into: &decodedTs, &decodedValues)
            }
        }
        #expect(decodedTs == ts)
        #expect(decodedValues.map(\.bitPattern) == values.map(\.bitPattern))
        // A regular 1 s series costs about 2 bytes a timestamp.
        let regular = (0..<1_000).map { 1_732_399_200_000 + Int64($0) * 1_000 }
        regular.withUnsafeBufferPointer { BlockCodec.encodeTimestamps($0, into: &tsBytes) }
        #expect(tsBytes.count < 2_100)
    }

    @Test("a truncated block is reported, not read past its end")
    func truncatedBlock() {
        let tsBytes: [UInt8] = [BlockCodec.timestampFormat, 0x80]
        let valueBytes = [BlockCodec.valueFormat] + [UInt8](repeating: 0, count: 8)
        var ts: [Int64] = []
        var values: [Double] = []
        #expect(throws: ReadingStoreError.self) {
            try tsBytes.withUnsafeBytes { t in
                try valueBytes.withUnsafeBytes { v in
                    try BlockCodec.decode(count: 1, timestamps: t, values: v, into: &ts, &values)
                }
            }
        }
    }

    @Test("a batch is regrouped by series and hour, sorted, with duplicate series folded together")
    func layout() throws {
        let a = Series(site: "s", line: "l", device: "d", sensor: "a")
        let b = Series(site: "s", line: "l", device: "d", sensor: "b")
        let h: Int64 = 3_600_000
        let batch = Batch(
            edge: "e", seq: 1, series: [a, b, a], sid: [0, 1, 2, 0, 1, 0],
            ts: [h + 5, 10, h - 1, 2 * h + 1, 20, h + 5], value: [1, 2, 3, 4, 5, 6], deviceSeq: [-1, -1, -1, -1, -1, -1])
        let layout = try BatchLayout(batch)
        #expect(layout.ts == [h - 1, h + 5, h + 5, 2 * h + 1, 10, 20])
        #expect(layout.value == [3, 1, 6, 4, 2, 5])
        #expect(layout.runs.map { [$0.series, Int($0.hour / h), $0.count] } == [[0, 0, 1], [0, 1, 2], [0, 2, 1], [1, 0, 2]])
        #expect(layout.runs[1].last == 6)  // equal ts: the later reading in the batch
        #expect(layout.runs[1].sum == 7)
        #expect(layout.totals == [
            .init(series: 0, count: 4, firstTs: h - 1, lastTs: 2 * h + 1, lastValue: 4),
            .init(series: 1, count: 2, firstTs: 10, lastTs: 20, lastValue: 5),
        ])
    }

    @Test("hour arithmetic rounds toward minus infinity")
    func hours() {
        #expect(TimeMath.hourStart(-1) == -3_600_000)
        #expect(TimeMath.hourStart(3_600_000) == 3_600_000)
        #expect(TimeMath.hourCeiling(1) == 3_600_000)
        #expect(TimeMath.hourCeiling(-3_600_000) == -3_600_000)
    }

    @Test("queries split between rollups and raw readings only where that is exact or unavoidable")
    func plans() {
        let h: Int64 = 3_600_000
        // Sub-hour steps and raw points: raw only.
        #expect(QueryPlan(from: 0, to: 10 * h, step: 60_000, rawHorizon: 5 * h).raw == 0..<10 * h)
        #expect(QueryPlan(from: 0, to: 10 * h, step: nil, rawHorizon: 5 * h).rollupHours.isEmpty)
        // Whole hours from an hour boundary: rollups for whole hours, raw for the tail.
        let exact = QueryPlan(from: h, to: 4 * h + 5, step: 2 * h, rawHorizon: .min)
        #expect(exact.rollupHours == h..<4 * h)
        #expect(exact.raw == 4 * h..<4 * h + 5)
        // Unaligned hour-sized steps: rollups only up to the (hour-rounded) raw horizon.
        let old = QueryPlan(from: 10, to: 10 * h, step: 90 * 60_000, rawHorizon: 3 * h + 7)
        #expect(old.rollupHours == 0..<4 * h)
        #expect(old.raw == 4 * h..<10 * h)
        #expect(QueryPlan(from: 10, to: 10 * h, step: 90 * 60_000, rawHorizon: .min).rollupHours.isEmpty)
    }
}

extension StorageInternalsTests {
    @Test("block seqs round-trip: counting up costs a byte each, gaps, repeats, -1 and large jumps survive")
    func seqRoundTrip() throws {
        let seqs: [Int64] = [0, 1, 2, 2, 7, -1, -1, 3, 1 << 40, 5, Int64.max / 4]
        var bytes: [UInt8] = []
        seqs.withUnsafeBufferPointer { BlockCodec.encodeSeqs($0, into: &bytes) }
        var decoded: [Int64] = []
        try bytes.withUnsafeBytes { try BlockCodec.decodeSeqs(count: seqs.count, $0, into: &decoded) }
        #expect(decoded == seqs)
        let counting = (Int64(10_000)..<11_000).map { $0 }
        counting.withUnsafeBufferPointer { BlockCodec.encodeSeqs($0, into: &bytes) }
        #expect(bytes.count < 1_010)
        var short: [Int64] = []
        #expect(throws: ReadingStoreError.self) {
            try bytes.dropLast().withUnsafeBytes { try BlockCodec.decodeSeqs(count: 1_000, $0, into: &short) }
        }
    }

    @Test("a batch's device seqs follow their readings when the layout sorts them")
    func layoutKeepsSeqs() throws {
        let press = Series(site: "s", line: "l", device: "d", sensor: "t", unit: "")
        let gas = Series(site: "s", line: "l", device: "g", sensor: "t", unit: "")
        let batch = Batch(
            edge: "e", seq: 1, series: [press, gas], sid: [0, 1, 0, 0], ts: [30, 10, 10, 20], value: [3, 9, 1, 2],
            deviceSeq: [103, 900, 101, 102])
        let layout = try BatchLayout(batch)
        #expect(layout.ts == [10, 20, 30, 10])
        #expect(layout.deviceSeq == [101, 102, 103, 900])
        #expect(layout.hasDeviceSeq)
        let none = try BatchLayout(Batch(edge: "e", seq: 2, series: [press], sid: [0, 0], ts: [2, 1], value: [1, 2]))
        #expect(none.deviceSeq == [-1, -1])
        #expect(!none.hasDeviceSeq)
    }
}

/// The in-memory head when head rows arrive out of id order (concurrent PostgreSQL ingests).
@Suite("Store head")
struct StoreHeadTests {
    static let press = Series(site: "seoul", line: "line-1", device: "press-07", sensor: "temperature", unit: "C")

    static func row(_ ts: [Int64]) -> HeadRow {
        HeadRow(seriesID: ts.map { _ in 1 }, ts: ts, value: ts.map { Double($0) }, seq: ts)
    }

    @Test("rows added out of id order: readings after a watermark and a trim keep exactly the rows above it")
    func outOfOrderRows() {
        let head = StoreHead()
        head.register(id: 1, series: Self.press)
        head.add(headID: 12, storedAt: 2, Self.row([30, 31]))
        head.add(headID: 11, storedAt: 1, Self.row([10, 31]))
        head.add(headID: 13, storedAt: 3, Self.row([20]))
        let recent = try! #require(head.recent(1))
        // Sorted by ts; the equal ts 31 in head id order (11 before 12).
        #expect(recent.after(0).ts == [10, 20, 30, 31, 31])
        #expect(recent.after(0).storedAt == [1, 3, 2, 1, 2])
        #expect(recent.after(11).ts == [20, 30, 31])
        #expect(recent.after(13).count == 0)

        head.trim(through: 12, series: [1], remaining: 1, oldestRemaining: 3)
        #expect(head.recent(1)?.after(0).ts == [20])
        #expect(head.headSize.readings == 1)
        // A second registration (two ingests creating the same series) keeps what is there.
        head.register(id: 1, series: Self.press)
        #expect(head.recent(1)?.after(0).ts == [20])
        #expect(head.series(SeriesFilter()).first?.count == 5)
    }

    @Test("a device's series are found through the device index, ascending, paged, whatever order they were registered in")
    func deviceIndex() {
        let head = StoreHead()
        let sensors = ["temperature", "vibration", "pressure"]
        // Registered out of id order, two devices interleaved, as a database may list them.
        for id in [9, 2, 7, 4, 5, 1] {
            let device = id % 2 == 0 ? "press-2" : "press-1"
            head.register(id: Int64(id), series: Series(site: "seoul", line: "line-1", device: device, sensor: sensors[id % 3], unit: ""))
            head.add(headID: Int64(id), storedAt: 1, HeadRow(seriesID: [Int64(id)], ts: [Int64(id)], value: [1], seq: [-1]))
        }
        #expect(head.series(SeriesFilter(device: "press-1")).map(\.id) == [1, 5, 7, 9])
        #expect(head.series(SeriesFilter(device: "press-2")).map(\.id) == [2, 4])
        #expect(head.series(SeriesFilter(device: "press-1", limit: 2)).map(\.id) == [1, 5])
        #expect(head.series(SeriesFilter(device: "press-1", limit: 2, afterID: 5)).map(\.id) == [7, 9])
        #expect(head.series(SeriesFilter(device: "press-1", sensor: "temperature")).map(\.id) == [9])
        #expect(head.series(SeriesFilter(device: "press-3")).isEmpty)
        #expect(head.series(SeriesFilter()).map(\.id) == [1, 2, 4, 5, 7, 9])
    }
}

@Suite("Downsampler mean")
struct DownsamplerMeanTests {
    @Test("an average whose sum overflows stays finite, within the values' range")
    func overflow() {
        let huge = Double.greatestFiniteMagnitude
        #expect(Downsampler.Partial.mean(sum: huge + huge, count: 2, min: huge, max: huge) == huge)
        #expect(Downsampler.Partial.mean(sum: -.infinity, count: 2, min: -huge, max: -huge) == -huge)
        #expect(Downsampler.Partial.mean(sum: .nan, count: 4, min: -huge, max: huge) == 0)
        #expect(Downsampler.Partial.mean(sum: 6, count: 3, min: 1, max: 3) == 2)
    }
}
