import Readings
import Testing

@Suite("PayloadDecoder")
struct PayloadDecoderTests {
    let sensorTopic = "factory/seoul/line-1/press-07/temperature"
    let deviceTopic = "factory/seoul/line-1/press-07"

    @Test("a payload over the limit is too_large before it is parsed")
    func tooLarge() throws {
        var decoder = PayloadDecoder(template: try TopicTemplate())
        var out = ReadingColumns()
        // Valid JSON of exactly the limit is accepted; one byte more is refused unparsed,
        // even when the topic is wrong too.
        let atLimit = Array(repeating: UInt8(ascii: " "), count: 65_535) + [UInt8(ascii: "1")]
        #expect(decoder.decode(topic: sensorTopic, payload: atLimit, into: &out) == .accepted(1))
        #expect(decoder.decode(topic: "wrong", payload: atLimit + [0x20], into: &out) == .rejected(.tooLarge))

        var small = PayloadDecoder(template: try TopicTemplate(), maxPayloadBytes: 8)
        #expect(small.decode(topic: sensorTopic, "{\"value\":1}", into: &out) == .rejected(.tooLarge))
    }

    @Test("a series keeps its id across messages and is announced once")
    func seriesAnnouncedOnce() throws {
        var decoder = PayloadDecoder(template: try TopicTemplate())
        var out = ReadingColumns()
        #expect(decoder.decode(topic: sensorTopic, "1", into: &out) == .accepted(1))
        #expect(decoder.decode(topic: sensorTopic, "2", into: &out) == .accepted(1))
        #expect(decoder.decode(topic: sensorTopic, #"{"value":3,"unit":"C"}"#, into: &out) == .accepted(1))
        #expect(out.sid == [0, 0, 1])
        #expect(out.newSeries == [
            NewSeries(id: 0, series: Series(site: "seoul", line: "line-1", device: "press-07", sensor: "temperature")),
            NewSeries(id: 1, series: Series(site: "seoul", line: "line-1", device: "press-07", sensor: "temperature", unit: "C")),
        ])
        #expect(decoder.seriesTable.series(1).unit == "C")
    }

    @Test("a rejected message leaves the columns as they were")
    func rejectLeavesColumnsAlone() throws {
        var decoder = PayloadDecoder(template: try TopicTemplate())
        var out = ReadingColumns()
        #expect(decoder.decode(topic: sensorTopic, "1", into: &out) == .accepted(1))
        let before = out.checkpoint
        #expect(decoder.decode(topic: deviceTopic, #"{"a":1,"b":2,"ts":"never"}"#, into: &out) == .rejected(.badTimestamp))
        #expect(decoder.decode(topic: sensorTopic, #"[1,2,{"value":"x"}]"#, into: &out) == .rejected(.notNumeric))
        #expect(out.checkpoint == before)
        #expect(decoder.seriesTable.count == 1)
    }

    @Test("a stop command that comes back through a shared subscription is not a reading: rejected, no series")
    func stopCommandIsNotAReading() throws {
        var decoder = PayloadDecoder(template: try TopicTemplate())
        var out = ReadingColumns()
        #expect(decoder.decode(topic: "factory/seoul/line-1/press-07/cmd", #"{"cmd":"stop","rule":"overheat"}"#, into: &out) == .rejected(.notNumeric))
        #expect(decoder.seriesTable.count == 0)
    }

    @Test("a message that would pass maxSeries is rejected whole and adds no series")
    func seriesLimit() throws {
        var decoder = PayloadDecoder(template: try TopicTemplate(), maxSeries: 3)
        var out = ReadingColumns()
        #expect(decoder.decode(topic: deviceTopic, #"{"a":1,"b":2}"#, into: &out) == .accepted(2))
        // Two new series but room for one: the first is interned, then rolled back.
        #expect(decoder.decode(topic: deviceTopic, #"{"a":1,"c":2,"d":3}"#, into: &out) == .rejected(.seriesLimit))
        #expect(decoder.seriesTable.count == 2)
        #expect(out.count == 2 && out.newSeries.count == 2)
        // Known series are still accepted at the limit, and the freed room is usable.
        #expect(decoder.decode(topic: deviceTopic, #"{"a":5,"b":6,"d":7}"#, into: &out) == .accepted(3))
        #expect(decoder.decode(topic: deviceTopic, #"{"e":1}"#, into: &out) == .rejected(.seriesLimit))
        #expect(out.newSeries.map(\.series.sensor) == ["a", "b", "d"])
        #expect(out.newSeries.map(\.id) == [0, 1, 2])
    }

    @Test("a new series with a name over 128 bytes, control characters, or / + # in a sensor name is rejected whole as bad_name; Korean names and units with / are fine")
    func badNames() throws {
        var decoder = PayloadDecoder(template: try TopicTemplate())
        var out = ReadingColumns()
        let long = String(repeating: "x", count: 129)
        #expect(decoder.decode(topic: deviceTopic, #"{"a":1,"\#(long)":2}"#, into: &out) == .rejected(.badName))
        #expect(decoder.decode(topic: "factory/seoul/line1/\(long)/temperature", "1", into: &out) == .rejected(.badName))
        #expect(decoder.decode(topic: deviceTopic, #"{"a/b":1}"#, into: &out) == .rejected(.badName))
        #expect(decoder.decode(topic: deviceTopic, #"{"a+":1}"#, into: &out) == .rejected(.badName))
        #expect(decoder.decode(topic: deviceTopic, ##"{"#":1}"##, into: &out) == .rejected(.badName))
        #expect(decoder.decode(topic: deviceTopic, #"{"tab\there":1}"#, into: &out) == .rejected(.badName))
        #expect(decoder.decode(topic: deviceTopic, #"{"c1\u0085":1}"#, into: &out) == .rejected(.badName))
        #expect(decoder.decode(topic: sensorTopic, #"{"value":1,"unit":"\u0007"}"#, into: &out) == .rejected(.badName))
        #expect(decoder.seriesTable.count == 0 && out.count == 0, "a rejected message leaves no series behind")
        let fine = String(repeating: "x", count: 128)
        #expect(decoder.decode(topic: deviceTopic, #"{"온도":1,"\#(fine)":2}"#, into: &out) == .accepted(2))
        #expect(decoder.decode(topic: sensorTopic, #"{"value":1,"unit":"mm/s"}"#, into: &out) == .accepted(1))
        #expect(decoder.decode(topic: "factory/서울/라인1/프레스-7/온도", "1", into: &out) == .accepted(1))
    }

    @Test("a template without {site} and {line} uses the edge's site and line \"default\"")
    func templateDefaults() throws {
        var decoder = PayloadDecoder(template: try TopicTemplate("plant/{device}/{sensor}", defaultSite: "gwangju"))
        var out = ReadingColumns()
        #expect(decoder.decode(topic: "plant/furnace-2/temp", "900", into: &out) == .accepted(1))
        #expect(decoder.decode(topic: "plant/furnace-2", #"{"gas":0.5}"#, into: &out) == .accepted(1))
        #expect(out.newSeries.map(\.series) == [
            Series(site: "gwangju", line: "default", device: "furnace-2", sensor: "temp"),
            Series(site: "gwangju", line: "default", device: "furnace-2", sensor: "gas"),
        ])
    }

    @Test("a payload's unit and sensor bytes are taken exactly, escapes and all")
    func seriesFromEscapes() throws {
        var decoder = PayloadDecoder(template: try TopicTemplate())
        var out = ReadingColumns()
        #expect(decoder.decode(topic: deviceTopic, #"{"t\u00e9mp":1}"#, into: &out) == .accepted(1))
        #expect(decoder.decode(topic: deviceTopic, #"{"témp":2}"#, into: &out) == .accepted(1))
        #expect(out.sid == [0, 0], "escaped and raw spellings are one series")
    }

    @Test("decoding 10,000 messages after warm-up does not grow any buffer")
    func steadyStateKeepsCapacity() throws {
        var decoder = PayloadDecoder(template: try TopicTemplate())
        var out = ReadingColumns(capacity: 1_024)
        let messages: [(String, [UInt8])] = [
            (sensorTopic, Array("71.25".utf8)),
            (sensorTopic, Array(#"{"value":71.25,"ts":"2024-11-24T12:00:00.123+09:00","unit":"C","seq":12,"x":[1,{"y":null}]}"#.utf8)),
            (deviceTopic, Array(#"{"ts":1732400000123,"seq":7,"t\u00e9mp":71.2,"vib":{"value":3.1,"unit":"mm/s"},"device":"press-07"}"#.utf8)),
            (deviceTopic, Array(#"[{"sensor":"gas","value":0.2},{"smoke":0}]"#.utf8)),
            (sensorTopic, Array(#"{"value":"bad"}"#.utf8)),
            (sensorTopic, Array("1e999".utf8)),
        ]
        func round() {
            for (topic, payload) in messages {
                _ = decoder.decode(topic: topic, payload: payload, into: &out)
            }
            if out.count > 900 { out.removeAll(keepingCapacity: true) }
        }
        for _ in 0..<200 { round() }
        out.removeAll(keepingCapacity: true)
        let capacities = [out.sid.capacity, out.ts.capacity, out.value.capacity, out.seq.capacity]
        let series = decoder.seriesTable.count
        for _ in 0..<(10_000 / messages.count) { round() }
        #expect([out.sid.capacity, out.ts.capacity, out.value.capacity, out.seq.capacity] == capacities)
        #expect(decoder.seriesTable.count == series)
        #expect(out.newSeries.isEmpty, "no series is new after warm-up")
    }
}
