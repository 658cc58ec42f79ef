@testable import SimulatorEngine
import Testing

@Suite("Splitting --count over connections")
struct ReadingLimitSplitTests {
    @Test("parts follow the shares and add up exactly", arguments: [
        (Int64(1_000), [0.5, 0.25, 0.25], [Int64(500), 250, 250]),
        (Int64(10), [1.0, 1.0, 1.0], [Int64(4), 3, 3]),
        (Int64(7), [0.9, 0.1], [Int64(7), 0]),
        (Int64(5), [0.0, 0.0], [Int64(3), 2]),
    ])
    func proportionalAndExact(limit: Int64, shares: [Double], expected: [Int64]) {
        let parts = SimulationRunner<CountingSource>.split(limit, by: shares)
        #expect(parts == expected)
        #expect(parts.reduce(0, +) == limit)
    }

    @Test("no limit stays no limit for every connection")
    func unlimited() {
        #expect(SimulationRunner<CountingSource>.split(.max, by: [0.3, 0.7]) == [.max, .max])
    }
}
