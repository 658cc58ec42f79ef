import Readings
import Testing

/// Mutated and random payloads: whatever arrives, the decoder answers with readings or one
/// reject reason, never crashes, and a rejected message leaves the columns as they were.
@Suite("Decoder robustness")
struct DecoderRobustnessTests {
    static let seeds: [(topic: String, payload: String)] = [
        ("factory/seoul/line1/press-01/temperature", "71.25"),
        ("factory/seoul/line1/press-01/temperature", #"{"ts":1732400000123,"value":71.25,"unit":"C","seq":7,"meta":{"a":[1,2,{"b":null}]}}"#),
        ("factory/seoul/line1/press-01/temperature", #"[71.2, {"ts":"2024-11-24T12:00:00.5+09:00","value":-3e2}]"#),
        ("factory/seoul/line1/press-01", #"{"ts":1732400000123,"temperature":71.2,"vibration":{"value":3.1,"unit":"mm/s"},"device":"press-01"}"#),
        ("factory/seoul/line1/press-01", #"[{"sensor":"rpm","value":1200},{"temp\u00e9rature":1}]"#),
    ]

    /// SplitMix64: deterministic, so a failure reproduces.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let interesting: [[UInt8]] = ["{", "}", "[", "]", "\"", "\\", ",", ":", "-", "e", "1", "0", ".", "NaN", "\\u", "\u{0}", "\u{FF}", " "]
        .map { Array($0.utf8) } + [[0xC3], [0xFF], [0xED, 0xA0, 0x80]]

    @Test("30,000 mutated payloads: readings or a reject, never a crash, and rejects roll back")
    func mutatedPayloads() throws {
        var random = Random(state: 20_261_124)
        var decoder = PayloadDecoder(template: try TopicTemplate(), maxPayloadBytes: 4_096, maxSeries: 1_000)
        var columns = ReadingColumns()
        var accepted = 0
        var rejected = 0
        for round in 0..<30_000 {
            let seed = Self.seeds[round % Self.seeds.count]
            var payload = Array(seed.payload.utf8)
            for _ in 0...random.below(4) {
                let position = payload.isEmpty ? 0 : random.below(payload.count + 1)
                switch random.below(4) {
                case 0 where !payload.isEmpty: payload.remove(at: min(position, payload.count - 1))
                case 1: payload.insert(contentsOf: Self.interesting[random.below(Self.interesting.count)], at: position)
                case 2 where !payload.isEmpty: payload[min(position, payload.count - 1)] = UInt8(truncatingIfNeeded: random.next())
                default: payload = Array(payload.prefix(position))
                }
            }
            let before = columns.count
            let newSeriesBefore = columns.newSeries.count
            switch decoder.decode(topic: seed.topic, payload: payload, into: &columns) {
            case .accepted(let count):
                accepted += 1
                #expect(count > 0 && columns.count == before + count)
                #expect(columns.value[before...].allSatisfy { $0.isFinite })
            case .rejected:
                rejected += 1
                #expect(columns.count == before, "a reject must leave no readings behind")
                #expect(columns.newSeries.count == newSeriesBefore)
            }
            if columns.count > 10_000 { columns.removeAll(keepingCapacity: true) }
        }
        #expect(accepted > 1_000 && rejected > 1_000, "mutations should hit both paths: \(accepted) accepted, \(rejected) rejected")
    }

    @Test("random bytes on random topics are rejected or decoded, never a crash")
    func randomBytes() throws {
        var random = Random(state: 42)
        var decoder = PayloadDecoder(template: try TopicTemplate(), maxPayloadBytes: 512)
        var columns = ReadingColumns()
        for _ in 0..<20_000 {
            let payload = (0..<random.below(600)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let levels = (0..<random.below(7)).map { _ in String(repeating: "ab/+#\u{0}"[random.below(6)], count: random.below(3)) }
            let before = columns.count
            if case .rejected = decoder.decode(topic: levels.joined(separator: "/"), payload: payload, into: &columns) {
                #expect(columns.count == before)
            }
            columns.removeAll(keepingCapacity: true)
        }
    }
}

extension String {
    fileprivate subscript(offset: Int) -> Character {
        self[index(startIndex, offsetBy: offset)]
    }
}
