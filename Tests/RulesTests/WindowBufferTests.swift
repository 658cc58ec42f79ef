import Testing
@testable import Rules

/// The straightforward definition the ring buffer must agree with: keep every sample, and
/// compute each function over those younger than the duration (at most `limit` of them).
struct NaiveWindow {
    let millis: Int64
    let limit: Int
    var samples: [(time: Int64, value: Double)] = []

    mutating func push(_ time: Int64, _ value: Double) {
        samples.append((time, value))
    }

    var window: ArraySlice<(time: Int64, value: Double)> {
        guard let newest = samples.last?.time else { return [] }
        return samples.filter { $0.time > newest - millis }.suffix(limit)
    }

    func compute(_ function: WindowFunction) -> Double { compute(function, over: window) }

    func compute(_ function: WindowFunction, over w: ArraySlice<(time: Int64, value: Double)>) -> Double {
        guard let first = w.first, let last = w.last else { return function == .count ? 0 : .nan }
        let values = w.map(\.value)
        let mean = values.reduce(0, +) / Double(values.count)
        switch function {
        case .count: return Double(values.count)
        case .avg: return mean
        case .min: return values.min()!
        case .max: return values.max()!
        case .delta: return last.value - first.value
        case .rate: return last.time == first.time ? .nan : (last.value - first.value) / (Double(last.time - first.time) / 1_000)
        case .stddev: return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        }
    }

}

@Suite("Window buffers against a naive reference")
struct WindowBufferTests {
    @Test("every window function matches the naive reference on random sequences with random gaps")
    func matchesReference() {
        var random = SplitMix64(state: 20_260_101)
        var checks = 0
        for sequence in 0..<300 {
            let millis = Int64.random(in: 1...5_000, using: &random)
            // Mostly unbounded, sometimes a small cap so dropping the oldest is exercised too.
            let limit = sequence % 4 == 0 ? Int.random(in: 2...40, using: &random) : 100_000
            var buffer = WindowBuffer(millis: millis, limit: limit, keepsExtremes: true)
            defer { buffer.deallocate() }
            var naive = NaiveWindow(millis: millis, limit: limit)
            var time = Int64.random(in: 0...1_000_000, using: &random)
            var level = Double.random(in: -1_000...1_000, using: &random)
            for _ in 0..<Int.random(in: 1...400, using: &random) {
                // Gaps from none (same millisecond) to longer than the window.
                switch Int.random(in: 0..<10, using: &random) {
                case 0: break
                case 1: time += millis + Int64.random(in: 0...1_000, using: &random)
                default: time += Int64.random(in: 1...max(1, millis / 5), using: &random)
                }
                level += Double.random(in: -10...10, using: &random)
                let value = Int.random(in: 0..<20, using: &random) == 0 ? Double.random(in: -1e4...1e4, using: &random) : level
                buffer.push(time, value)
                naive.push(time, value)
                let window = naive.window
                // Sums are compared relative to the size of the numbers added, not of the result.
                let scale = window.map { abs($0.value) }.max() ?? 1
                for function in WindowFunction.allCases {
                    let got = buffer.compute(function), want = naive.compute(function, over: window)
                    var tolerance = 1e-9 * max(1, abs(want), scale)
                    if function == .rate, let first = window.first, let last = window.last, last.time > first.time {
                        tolerance *= 1_000 / Double(last.time - first.time) + 1
                    }
                    let same = (got.isNaN && want.isNaN) || abs(got - want) <= tolerance
                    if !same {
                        Issue.record("sequence \(sequence) \(function): got \(got), want \(want) (window \(millis) ms, limit \(limit))")
                        return
                    }
                    checks += 1
                }
            }
        }
        #expect(checks > 100_000)
    }

    @Test("an empty window gives NaN for every function except count")
    func emptyWindow() {
        let buffer = WindowBuffer(millis: 1_000, limit: 10, keepsExtremes: true)
        defer { buffer.deallocate() }
        for function in WindowFunction.allCases {
            if function == .count { #expect(buffer.compute(function) == 0) } else { #expect(buffer.compute(function).isNaN) }
        }
    }

    @Test("a window keeps only samples younger than its duration: (newest − d, newest]")
    func halfOpenInterval() {
        var buffer = WindowBuffer(millis: 1_000, limit: 100, keepsExtremes: false)
        defer { buffer.deallocate() }
        buffer.push(0, 1)
        buffer.push(999, 2)
        #expect(buffer.compute(.count) == 2)
        buffer.push(1_000, 3)
        #expect(buffer.compute(.count) == 2, "the sample at 0 is exactly 1 s old and leaves")
        #expect(buffer.compute(.avg) == 2.5)
        #expect(buffer.compute(.rate) == 1 / 0.001)
    }

    @Test("at the sample cap the oldest samples are dropped early")
    func capDropsOldest() {
        var buffer = WindowBuffer(millis: 60_000, limit: 3, keepsExtremes: true)
        defer { buffer.deallocate() }
        for (n, value) in [9.0, 1, 5, 7].enumerated() { buffer.push(Int64(n), value) }
        #expect(buffer.compute(.count) == 3)
        #expect(buffer.compute(.max) == 7, "9 was the oldest and was dropped")
        #expect(buffer.compute(.min) == 1)
    }

    @Test("a timestamp older than the newest is treated as the newest")
    func outOfOrderIsClamped() {
        var buffer = WindowBuffer(millis: 1_000, limit: 100, keepsExtremes: false)
        defer { buffer.deallocate() }
        buffer.push(5_000, 1)
        buffer.push(4_000, 3)
        #expect(buffer.compute(.count) == 2)
        #expect(buffer.compute(.rate).isNaN, "both samples are at 5000 ms")
    }
}
