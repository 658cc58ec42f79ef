import Readings
import SimulatorCore
import Testing

@Suite("Recorded NDJSON files for replay")
struct RecordingTests {
    static func parse(_ text: String) throws -> Recording {
        try Recording.parse(Array(text.utf8), name: "rec.ndjson")
    }

    @Test("a mosquitto_sub -F %J line replays its JSON payload byte for byte, timed by tst")
    func mosquittoJSONLines() throws {
        let recording = try Self.parse("""
            {"tst":"2026-11-29T23:01:21.803051Z+0000","topic":"factory/s/l/press-01/temperature","qos":1,"retain":0,"payloadlen":40,"payload":{"ts": 1795993281802, "value":64.840,"seq":0}}
            {"tst":"2026-11-29T23:01:22.053000Z+0000","topic":"factory/s/l/conveyor-01/speed","qos":1,"payload":1.10}

            # a comment
            {"tst":"2026-11-29T23:01:21.903+00:00","topic":"factory/s/l/press-01/temperature","payload":"not json \\"quoted\\""}
            """)
        #expect(recording.messages.count == 3)
        #expect(String(decoding: recording.messages[0].payload, as: UTF8.self) == #"{"ts": 1795993281802, "value":64.840,"seq":0}"#)
        #expect(String(decoding: recording.messages[1].payload, as: UTF8.self) == "1.10")
        #expect(String(decoding: recording.messages[2].payload, as: UTF8.self) == #"not json "quoted""#)
        #expect(recording.messages.map(\.offsetMillis) == [0, 250, 100])
        #expect(recording.messages.map(\.line) == [1, 2, 5])
        #expect(recording.spanMillis == 250)
    }

    @Test("offset_ms times a message; a line without a time replays untimed")
    func offsets() throws {
        let recording = try Self.parse("""
            {"topic":"a/b","payload":1,"offset_ms":1000}
            {"topic":"a/b","payload":2,"offset_ms":1500}
            {"topic":"a/b","payload":3}
            """)
        #expect(recording.messages.map(\.offsetMillis) == [0, 500, nil])
    }

    @Test("a reading line, as spool dump writes it, becomes an object payload on the default topic")
    func readingLines() throws {
        let recording = try Self.parse("""
            {"site":"seoul","line":"l1","device":"furnace-01","sensor":"temperature","unit":"C","ts":1795993281802,"value":812.5,"seq":17}
            {"site":"seoul","line":"l1","device":"furnace-01","sensor":"pressure","unit":"","ts":1795993281902,"value":101}
            """)
        #expect(String(decoding: recording.messages[0].topic, as: UTF8.self) == "factory/seoul/l1/furnace-01/temperature")
        #expect(String(decoding: recording.messages[0].payload, as: UTF8.self) == #"{"ts":1795993281802,"value":812.5,"unit":"C","seq":17}"#)
        #expect(String(decoding: recording.messages[1].payload, as: UTF8.self) == #"{"ts":1795993281902,"value":101}"#)
        #expect(recording.messages.map(\.offsetMillis) == [0, 100])
    }

    @Test("errors name the file, the line and what is wrong", arguments: [
        ("{\"topic\":\"a/b\"", "rec.ndjson:1: column 15: expected ',' or '}'"),
        ("{\"topic\":\"a/b\"}", "rec.ndjson:1: payload: missing (a recorded message needs topic and payload)"),
        ("{\"topic\":\"a/b\",\"payload\":1,\"tst\":\"yesterday\"}", "rec.ndjson:1: tst: expected an RFC 3339 time, got \"yesterday\""),
        ("{\"topic\":7,\"payload\":1}", "rec.ndjson:1: topic: expected a string"),
        ("{\"device\":\"x\"}", "rec.ndjson:1: expected a recorded message {\"topic\",\"payload\"} or a reading {\"site\",\"line\",\"device\",\"sensor\",\"ts\",\"value\"}"),
        ("[1,2]", "rec.ndjson:1: column 1: expected a JSON object"),
        ("", "rec.ndjson: no messages to replay"),
    ])
    func errors(line: String, expected: String) {
        let error = #expect(throws: ScenarioError.self) { try Self.parse(line) }
        #expect(error?.description == expected)
    }

    @Test("the replay plan classifies every message as the edge's decoder will: readings, devices, seq ranges, reject reasons")
    func replayPlanClassifies() throws {
        let recording = try Self.parse("""
            {"topic":"factory/s/l/press-01/temperature","payload":{"value":1,"seq":4}}
            {"topic":"factory/s/l/furnace-01","payload":{"seq":9,"temperature":800,"pressure":101}}
            {"topic":"factory/s/l/press-01/temperature","payload":"{\\"value\\":"}
            {"topic":"factory/s/l/press-01/temperature","payload":"hot"}
            {"topic":"factory/s","payload":1}
            {"topic":"factory/s/l/cnc-01/vibration","payload":[{"value":1,"seq":0},{"value":2,"seq":1}]}
            """)
        let plan = ReplayPlan(recording: recording, topicTemplate: try TopicTemplate())
        #expect(plan.devices == ["s/l/press-01", "s/l/furnace-01", "s/l/cnc-01"])
        #expect(plan.facts.map(\.readings) == [1, 2, 0, 0, 0, 2])
        #expect(plan.facts.map(\.rejected) == [nil, nil, "bad_json", "bad_json", "topic_shape", nil])
        #expect(plan.facts[1].firstSeq == 9 && plan.facts[1].lastSeq == 9)
        #expect(plan.facts[5].firstSeq == 0 && plan.facts[5].lastSeq == 1)
        #expect(plan.totalReadings == 5)
    }
}
