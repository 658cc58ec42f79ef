import CoreStorage
import Readings
import TestSupport

/// An hour boundary to build test times on (2024-11-23T22:00:00Z).
let baseTime: Int64 = 1_732_399_200_000
let hour: Int64 = 3_600_000

func series(_ site: String, _ line: String, _ device: String, _ sensor: String, _ unit: String = "") -> Series {
    Series(site: site, line: line, device: device, sensor: sensor, unit: unit)
}

/// A batch of `readings` (series, ts, value) in the given order.
func makeBatch(edge: String, seq: Int64, _ readings: [(Series, Int64, Double)]) -> Batch {
    var batch = Batch(edge: edge, seq: seq)
    var index: [Series: UInt32] = [:]
    for (series, ts, value) in readings {
        let sid: UInt32
        if let known = index[series] {
            sid = known
        } else {
            sid = UInt32(batch.series.count)
            index[series] = sid
            batch.series.append(series)
        }
        batch.sid.append(sid)
        batch.ts.append(ts)
        batch.value.append(value)
        batch.deviceSeq.append(-1)
    }
    return batch
}

/// Random readings for several series over several hours: unique, irregularly spaced timestamps
/// per series, values with two decimals; split into batches from two edges, each batch's
/// readings shuffled (edges do not promise order), so stores must sort.
struct RandomData {
    var points: [Series: [Point]] = [:]
    var batches: [Batch] = []

    init(seed: UInt64, series list: [Series], span: Int64, batchCount: Int) {
        var random = SeededGenerator(seed: seed)
        var all: [(Series, Int64, Double)] = []
        for series in list {
            var ts = baseTime + Int64.random(in: 0..<5_000, using: &random)
            var values: [Point] = []
            while ts < baseTime + span {
                let value = Double(Int.random(in: -10_000...10_000, using: &random)) / 100
                values.append(Point(ts: ts, value: value))
                all.append((series, ts, value))
                ts += Int64.random(in: 500...20_000, using: &random)
            }
            points[series] = values
        }
        all.shuffle(using: &random)
        let size = (all.count + batchCount - 1) / batchCount
        for (index, start) in stride(from: 0, to: all.count, by: size).enumerated() {
            let edge = index % 2 == 0 ? "seoul-a" : "gwangju-a"
            batches.append(makeBatch(edge: edge, seq: Int64(index / 2 + 1), Array(all[start..<min(start + size, all.count)])))
        }
    }
}

/// The naive reference: points in `[from, to)` grouped into buckets `from + k·step`.
func referenceDownsample(_ points: [Point], from: Int64, to: Int64, step: Int64, _ aggregation: Aggregation) -> [Point] {
    let inRange = points.filter { $0.ts >= from && $0.ts < to }.sorted { $0.ts < $1.ts }
    var buckets: [Int64: [Point]] = [:]
    for point in inRange {
        buckets[from + (point.ts - from) / step * step, default: []].append(point)
    }
    return buckets.keys.sorted().map { start in
        let members = buckets[start]!
        let values = members.map(\.value)
        let value: Double
        switch aggregation {
        case .avg: value = values.reduce(0, +) / Double(values.count)
        case .min: value = values.min()!
        case .max: value = values.max()!
        case .last: value = members.max { $0.ts < $1.ts }!.value
        }
        return Point(ts: start, value: value)
    }
}

/// Equal timestamps, and values equal up to floating-point summation order.
func nearlyEqual(_ a: [Point], _ b: [Point]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in
        x.ts == y.ts && abs(x.value - y.value) <= 1e-9 * max(1, abs(y.value))
    }
}
