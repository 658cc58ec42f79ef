import Foundation
import Readings
import Testing

@Suite("EdgeStatusCodec: the one wire form of an edge's status report")
struct EdgeStatusCodecTests {
    static let status = EdgeStatus(
        edge: "seoul-a", site: "seoul", version: "0.1.0", role: .active, atMillis: 1_796_628_590_000, intervalMillis: 5_000,
        mqttConnected: true, ingestRate: 3001.25, rejects: ["not_numeric": 3, "bad_topic": 1], spoolBytes: 5_242_880,
        spoolCapacityBytes: 1_073_741_824, spoolFullInSeconds: nil, backlogReadings: 1_200, backlogDrainSeconds: 0.5,
        oldestUnsentSeconds: 0.4, forwardRate: 2980.5, alertBacklog: 0, outboxDepth: 2, rulesVersion: "9f2c44e0a1b3c5d7",
        rulesLoadedAtMillis: 1_796_626_800_000, rulesError: nil)

    static let golden = #"{"alert_backlog":0,"at":"2026-12-07T07:29:50.000Z","backlog_drain_seconds":0.5,"backlog_readings":1200,"edge":"seoul-a","forward_rate":2980.5,"ingest_rate":3001.25,"interval_ms":5000,"mqtt_connected":true,"oldest_unsent_seconds":0.4,"outbox_depth":2,"page_url":null,"rejects":{"bad_topic":1,"not_numeric":3},"role":"active","rules_error":null,"rules_loaded_at":"2026-12-07T07:00:00.000Z","rules_version":"9f2c44e0a1b3c5d7","site":"seoul","spool_bytes":5242880,"spool_capacity_bytes":1073741824,"spool_full_seconds":null,"version":"0.1.0"}"#

    @Test("a status is written in one form, members sorted, and reads back the same")
    func goldenForm() throws {
        #expect(String(decoding: EdgeStatusCodec.encode(Self.status), as: UTF8.self) == Self.golden)
        #expect(try EdgeStatusCodec.decode(Array(Self.golden.utf8)) == Self.status)
        _ = try JSONSerialization.jsonObject(with: Data(Self.golden.utf8))
        var standby = Self.status
        standby.role = .standby
        standby.mqttConnected = false
        standby.rulesError = "rules.yaml:3:7: unknown key"
        standby.rejects = [:]
        #expect(try EdgeStatusCodec.decode(EdgeStatusCodec.encode(standby)) == standby)
    }

    @Test("page_url: an http or https address the core's page may link to; anything else is refused, naming page_url")
    func pageURL() throws {
        var status = Self.status
        status.pageURL = "https://seoul-edge.factory.example:9100/"
        #expect(try EdgeStatusCodec.decode(EdgeStatusCodec.encode(status)) == status)
        for bad in ["javascript:alert(1)", "http://a b/", "ftp://edge/", "http://x/\"><script>", "http://" + String(repeating: "a", count: 600)] {
            status.pageURL = bad
            #expect(throws: AlertDecodingError.self) { try EdgeStatusCodec.decode(EdgeStatusCodec.encode(status)) }
            do { _ = try EdgeStatusCodec.decode(EdgeStatusCodec.encode(status)) } catch { #expect("\(error)".contains("page_url"), "\(error)") }
        }
    }

    @Test("rates keep three decimals; a rate that is not a finite number ≥ 0 is written as null")
    func numbers() throws {
        var status = Self.status
        status.ingestRate = 1.0 / 3.0
        status.spoolFullInSeconds = .infinity
        status.backlogDrainSeconds = -4
        let read = try EdgeStatusCodec.decode(EdgeStatusCodec.encode(status))
        #expect(read.ingestRate == 0.333 && read.spoolFullInSeconds == nil && read.backlogDrainSeconds == nil)
    }

    @Test("a wrong report is refused with the member named")
    func refusals() {
        func replacing(_ old: String, _ new: String) -> [UInt8] { Array(Self.golden.replacingOccurrences(of: old, with: new).utf8) }
        let cases: [([UInt8], String)] = [
            (replacing(#""role":"active""#, #""role":"boss""#), "status.role: expected lone, active or standby"),
            (replacing(#""interval_ms":5000"#, #""interval_ms":5"#), "status.interval_ms: expected 100 to 3600000"),
            (replacing(#""spool_bytes":5242880"#, #""spool_bytes":-1"#), "status.spool_bytes: expected a whole number ≥ 0"),
            (replacing(#""ingest_rate":3001.25"#, #""ingest_rate":-2"#), "status.ingest_rate: expected a number from 0 to 1e12 or null"),
            (replacing(#""backlog_drain_seconds":0.5"#, #""backlog_drain_seconds":1e300"#), "status.backlog_drain_seconds: expected a number from 0 to 1e12 or null"),
            (replacing(#""mqtt_connected":true"#, #""mqtt_connected":1"#), "status.mqtt_connected: expected true or false"),
            (replacing(#""edge":"seoul-a","#, ""), "status.edge: missing"),
            (replacing(#""site":"seoul""#, #""site":"""#), "status.site: empty"),
            (replacing(#""rejects":{"bad_topic":1,"not_numeric":3}"#, #""rejects":{"x":1.5}"#), "status.rejects.x: expected a whole number or null"),
            (Array("[]".utf8), "status: expected an object"),
        ]
        for (bytes, expected) in cases {
            do {
                _ = try EdgeStatusCodec.decode(bytes)
                Issue.record("accepted: \(String(decoding: bytes, as: UTF8.self))")
            } catch {
                #expect(error.description == expected)
            }
        }
        let many = (0..<65).map { #""r\#($0)":1"# }.joined(separator: ",")
        #expect(throws: AlertDecodingError("status.rejects", "more than 64 reasons")) {
            try EdgeStatusCodec.decode(replacing(#""rejects":{"bad_topic":1,"not_numeric":3}"#, "\"rejects\":{\(many)}"))
        }
    }

    @Test("a content digest is 16 hex digits and follows the bytes")
    func digest() {
        #expect(ContentDigest.hex16(Array("rules: []".utf8)).count == 16)
        #expect(ContentDigest.hex16([]) == "cbf29ce484222325")
        #expect(ContentDigest.hex16(Array("a".utf8)) != ContentDigest.hex16(Array("b".utf8)))
    }
}
