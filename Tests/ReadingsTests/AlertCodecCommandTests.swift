import Foundation
import Readings
import Testing

@Suite("AlertCodec: stop-command records on the alert lane")
struct AlertCodecCommandTests {
    static let sent = CommandAttempt(
        alertID: "55e4872b2f373195", rule: "overheat", site: "seoul", line: "line1", device: "press-03",
        topic: "factory/seoul/line1/press-03/cmd", payload: #"{"cmd":"stop"}"#, qos: 1, attempt: 1, atMillis: 1_796_628_588_517,
        result: "sent")

    /// The golden item: the edge writes these bytes for this record, the core reads them.
    static let sentItem = #"{"alert_id":"55e4872b2f373195","at":"2026-12-07T07:29:48.517Z","attempt":1,"device":"press-03","line":"line1","payload":"{\"cmd\":\"stop\"}","qos":1,"result":"sent","rule":"overheat","site":"seoul","topic":"factory/seoul/line1/press-03/cmd"}"#

    @Test("a command record is written in one form, in sorted member order, and a post carries it beside the alerts")
    func golden() throws {
        #expect(String(decoding: AlertCodec.encodeCommand(Self.sent), as: UTF8.self) == Self.sentItem)
        var confirmed = Self.sent
        confirmed.result = "confirmed 412 ms after the first send"
        confirmed.atMillis += 412
        let post = AlertPost(edge: "seoul-a", notices: [AlertCodecTests.firing], commands: [Self.sent, confirmed])
        let bytes = AlertCodec.encode(post)
        #expect(String(decoding: bytes, as: UTF8.self).contains(#""commands":["# + Self.sentItem + ","))
        #expect(try AlertCodec.decodePost(bytes) == post)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect((object["commands"] as? [[String: Any]])?.count == 2)
        let list = String(decoding: AlertCodec.encodeCommandList([Self.sent]), as: UTF8.self)
        #expect(list == #"{"commands":["# + Self.sentItem + "]}")
    }

    @Test("a post without commands (an older edge) reads as none; a post of only commands reads")
    func optionalCommands() throws {
        #expect(try AlertCodec.decodePost(Array(#"{"edge":"e","alerts":[]}"#.utf8)).commands.isEmpty)
        let post = AlertPost(edge: "seoul-a", notices: [], commands: [Self.sent])
        #expect(try AlertCodec.decodePost(AlertCodec.encode(post)) == post)
    }

    @Test("a whole-line command (no device) and a refused one (empty topic, never published) are records like any other")
    func emptyPlaces() throws {
        var line = Self.sent
        line.device = ""
        var refused = Self.sent
        refused.topic = ""
        refused.attempt = 0
        refused.result = "refused: the topic has an empty level"
        let post = AlertPost(edge: "seoul-a", notices: [], commands: [line, refused])
        #expect(try AlertCodec.decodePost(AlertCodec.encode(post)) == post)
        #expect(!refused.wasPublished && Self.sent.wasPublished)
    }

    @Test("a payload longer than the wire allows is cut at a character boundary and ends in …, and still reads")
    func clipping() throws {
        var long = Self.sent
        long.payload = String(repeating: "온", count: 2_000)  // 6,000 bytes
        let post = AlertPost(edge: "seoul-a", notices: [], commands: [long])
        let read = try AlertCodec.decodePost(AlertCodec.encode(post)).commands[0]
        #expect(read.payload.utf8.count <= AlertCodec.maxTextBytes)
        #expect(read.payload.hasSuffix("…") && read.payload.dropLast().allSatisfy { $0 == "온" })
        #expect(read.topic == long.topic && read.result == "sent")
    }

    @Test("the key is the same for the same record and differs when anything in it differs")
    func keys() {
        var other = Self.sent
        #expect(other.key == Self.sent.key)
        other.attempt = 2
        #expect(other.key != Self.sent.key)
        other = Self.sent
        other.result = "sent again: not confirmed within 5000 ms"
        #expect(other.key != Self.sent.key)
    }

    @Test("a wrong command record is refused with the member named")
    func refusals() {
        let good = Self.sentItem
        func post(_ item: String) -> [UInt8] { Array(#"{"edge":"seoul-a","alerts":[],"commands":[\#(good),\#(item)]}"#.utf8) }
        func replacing(_ old: String, _ new: String) -> String { good.replacingOccurrences(of: old, with: new) }
        let cases: [(String, String)] = [
            ("7", "commands[1]: expected an object"),
            (replacing(#""qos":1"#, #""qos":3"#), "commands[1].qos: expected 0, 1 or 2"),
            (replacing(#""attempt":1,"#, ""), "commands[1].attempt: missing"),
            (replacing(#""attempt":1"#, #""attempt":-1"#), "commands[1].attempt: expected 0 to 1000000"),
            (replacing(#""site":"seoul""#, #""site":"""#), "commands[1].site: empty"),
            (replacing(#""at":"2026-12-07T07:29:48.517Z""#, #""at":"later""#), "commands[1].at: expected an RFC 3339 time or epoch ms between 1970 and 9999"),
            (replacing(#""result":"sent""#, #""result":"\#(String(repeating: "x", count: 5_000))""#), "commands[1].result: longer than 4096 bytes"),
            (replacing(#""device":"press-03""#, #""device":null"#), "commands[1].device: expected a string"),
        ]
        for (item, expected) in cases {
            do {
                _ = try AlertCodec.decodePost(post(item))
                Issue.record("accepted: \(item)")
            } catch {
                #expect(error.description == expected, "\(item)")
            }
        }
        #expect(throws: AlertDecodingError("commands", "expected an array")) {
            try AlertCodec.decodePost(Array(#"{"edge":"e","alerts":[],"commands":{}}"#.utf8))
        }
        #expect(throws: AlertDecodingError("commands", "more than 1 alerts and commands")) {
            try AlertCodec.decodePost(post(good), maxAlerts: 1)
        }
    }
}
