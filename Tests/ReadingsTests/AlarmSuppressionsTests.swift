import Readings
import Testing

@Suite("Alarm suppressions: what a site's edges must not notify")
struct AlarmSuppressionsTests {
    static let point = AlarmPoint(rule: "furnace-overheat", site: "seoul", line: "line1", device: "furnace-2", sensor: "temperature")

    static let sample = AlarmSuppressions(
        site: "seoul",
        shelves: [Shelf(point: point, by: "lee", atMillis: 1_796_616_000_000, untilMillis: 1_796_630_400_000, comment: "drifts \"badly\"\n")],
        outOfService: [
            OutOfService(scope: ServiceScope(site: "seoul", line: "line2", device: "press-07"), by: "kim", atMillis: 1_796_616_000_000, comment: "bearing swap"),
            OutOfService(scope: ServiceScope(site: "seoul", line: "line3"), by: "kim", atMillis: 1_796_616_100_000, comment: "line stopped"),
        ])

    @Test("a shelf holds its point until its end; out of service covers a device, a whole line or the whole site, and wins over a shelf")
    func whatIsSuppressed() {
        let s = Self.sample
        #expect(s.suppression(of: Self.point, nowMillis: 1_796_630_399_999) == .shelved(untilMillis: 1_796_630_400_000))
        #expect(s.suppression(of: Self.point, nowMillis: 1_796_630_400_000) == nil, "ended by itself")
        var otherSensor = Self.point
        otherSensor.sensor = "pressure"
        #expect(s.suppression(of: otherSensor, nowMillis: 0) == nil, "a shelf is one alarm point, not its device")
        let press = AlarmPoint(rule: "silent", site: "seoul", line: "line2", device: "press-07", sensor: "")
        #expect(s.suppression(of: press, nowMillis: 0) == .outOfService)
        #expect(s.suppression(of: AlarmPoint(rule: "silent", site: "seoul", line: "line2", device: "press-08", sensor: ""), nowMillis: 0) == nil)
        #expect(s.suppression(of: AlarmPoint(rule: "r", site: "seoul", line: "line3", device: "any", sensor: "x"), nowMillis: 0) == .outOfService)
        #expect(s.suppression(of: AlarmPoint(rule: "r", site: "gwangju", line: "line3", device: "any", sensor: "x"), nowMillis: 0) == nil)
        let whole = AlarmSuppressions(site: "seoul", outOfService: [OutOfService(scope: ServiceScope(site: "seoul"), by: "k", atMillis: 0, comment: "")])
        #expect(whole.suppression(of: Self.point, nowMillis: 0) == .outOfService)
        var both = s
        both.outOfService.append(OutOfService(scope: ServiceScope(site: "seoul", line: "line1"), by: "k", atMillis: 0, comment: ""))
        #expect(AlarmSuppressions(site: "seoul", shelves: both.shelves, outOfService: both.outOfService).suppression(of: Self.point, nowMillis: 0) == .outOfService)
        #expect(both.suppression(of: Self.point, nowMillis: 0) == .outOfService, "changed after it was made: its lookups follow")
        both.shelves = []
        both.outOfService = []
        #expect(both.suppression(of: Self.point, nowMillis: 0) == nil)
        // A device named without its line (the core refuses it; a hand-made document may not): any line.
        let lineless = AlarmSuppressions(site: "seoul", outOfService: [OutOfService(scope: ServiceScope(site: "seoul", device: "press-07"), by: "k", atMillis: 0, comment: "")])
        #expect(lineless.suppression(of: press, nowMillis: 0) == .outOfService)
        #expect(lineless.suppression(of: Self.point, nowMillis: 0) == nil)
        #expect(s.current(nowMillis: 1_796_630_400_000).shelves.isEmpty)
        #expect(s.current(nowMillis: 1_796_630_400_000).outOfService.count == 2)
    }

    @Test("the codec writes every member in sorted order and reads back the same")
    func roundTrip() throws {
        let bytes = AlarmSuppressionsCodec.encode(Self.sample)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"out_of_service":[{"at":"2026-12-07T04:00:00.000Z","by":"kim","comment":"bearing swap","device":"press-07","line":"line2","site":"seoul"}"#), "\(text)")
        #expect(text.contains(#""comment":"drifts \"badly\"\n""#))
        #expect(text.hasSuffix(#""until":"2026-12-07T08:00:00.000Z"}],"site":"seoul"}"#), "\(text)")
        #expect(try AlarmSuppressionsCodec.decode(bytes) == Self.sample)
        #expect(try AlarmSuppressionsCodec.decode(AlarmSuppressionsCodec.encode(AlarmSuppressions(site: "gwangju"))) == AlarmSuppressions(site: "gwangju"))
    }

    @Test("every refusal names its member")
    func refusals() {
        let entry = #"{"at":0,"by":"k","comment":"","device":"d","line":"l","rule":"r","sensor":"s","site":"seoul","until":1}"#
        let cases: [(String, String)] = [
            ("[]", "the top level is not an object"),
            ("{", "not JSON"),
            (#"{"shelves":[]}"#, "site: missing"),
            (#"{"site":"seoul","shelves":{}}"#, "shelves: expected an array"),
            (#"{"site":"seoul","shelves":[7]}"#, "shelves[0]: expected an object"),
            (#"{"site":"seoul","shelves":[\#(entry.replacingOccurrences(of: #""until":1"#, with: #""until":"soon""#))]}"#,
             "shelves[0].until: expected an RFC 3339 time or epoch ms between 1970 and 9999"),
            (#"{"site":"seoul","shelves":[\#(entry.replacingOccurrences(of: #","until":1"#, with: ""))]}"#, "shelves[0].until: missing"),
            (#"{"site":"seoul","shelves":[\#(entry.replacingOccurrences(of: #""rule":"r""#, with: #""rule":"""#))]}"#, "shelves[0].rule: empty"),
            (#"{"site":"seoul","shelves":[\#(entry.replacingOccurrences(of: #""by":"k""#, with: #""by":3"#))]}"#, "shelves[0].by: expected a string"),
            (#"{"site":"seoul","out_of_service":[{"at":0,"by":"k","comment":"","device":"d","line":"","site":"seoul"}]}"#,
             "out_of_service[0].device: a device needs its line"),
            (#"{"site":"seoul","out_of_service":[{"at":0,"by":"k","comment":"","device":"","line":"","site":""}]}"#, "out_of_service[0].site: empty"),
            (#"{"site":"seoul","out_of_service":[{"at":0,"by":"k","comment":"\#(String(repeating: "x", count: 1_001))","device":"","line":"","site":"s"}]}"#,
             "out_of_service[0].comment: longer than 1000 bytes"),
        ]
        for (json, message) in cases {
            #expect(throws: AlertDecodingError.self, "\(json)") { try AlarmSuppressionsCodec.decode(Array(json.utf8)) }
            do {
                _ = try AlarmSuppressionsCodec.decode(Array(json.utf8))
            } catch {
                #expect(error.description == message, "\(json)")
            }
        }
        let many = #"{"site":"seoul","out_of_service":["# + Array(repeating: #"{"at":0,"by":"k","comment":"","device":"","line":"","site":"s"}"#, count: 10_001).joined(separator: ",") + "]}"
        #expect(throws: AlertDecodingError("out_of_service", "more than 10000 entries")) { try AlarmSuppressionsCodec.decode(Array(many.utf8)) }
    }
}
