import Foundation
import Readings
import Testing

@Suite("BatchCodec: batches that name series by the edge's dictionary")
struct BatchCodecDictionaryTests {
    let press = Series(site: "seoul", line: "line-1", device: "press-07", sensor: "temperature", unit: "C")
    let kiln = Series(site: "seoul", line: "line \"2\"", device: "kiln", sensor: "temp", unit: "")

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("encodes dict and defs instead of series, with sid holding keys; defs omitted when empty")
    func encodesDictionaryForm() throws {
        let batch = Batch(
            edge: "seoul-a", seq: 43, dictionary: 6_120_344_081_721,
            definitions: [SeriesDefinition(key: 17, series: press)], sid: [17, 17, 3], ts: [1, 2, 3], value: [1, 2, 3], deviceSeq: [-1, -1, -1])
        #expect(text(BatchCodec.encode(batch)) == #"{"edge":"seoul-a","seq":43,"dict":6120344081721,"defs":[[17,"seoul","line-1","press-07","temperature","C"]],"sid":[17,17,3],"ts":[1,2,3],"value":[1.0,2.0,3.0]}"#)
        #expect(try BatchCodec.decode(BatchCodec.encode(batch)) == batch)
        let bare = Batch(edge: "e", seq: 1, dictionary: 9, sid: [3], ts: [1], value: [1], deviceSeq: [5])
        #expect(text(BatchCodec.encode(bare)) == #"{"edge":"e","seq":1,"dict":9,"sid":[3],"ts":[1],"value":[1.0],"dseq":[5]}"#)
        #expect(try BatchCodec.decode(BatchCodec.encode(bare)) == bare)
    }

    @Test("the spool id is written after seq, read back, keys the batch as edge:spool:seq, and must be positive")
    func spoolIdentity() throws {
        let batch = Batch(edge: "seoul-a", seq: 7, spool: 55, dictionary: 55, sid: [1], ts: [1], value: [2], deviceSeq: [-1])
        #expect(text(BatchCodec.encode(batch)) == #"{"edge":"seoul-a","seq":7,"spool":55,"dict":55,"sid":[1],"ts":[1],"value":[2.0]}"#)
        #expect(try BatchCodec.decode(BatchCodec.encode(batch)) == batch)
        #expect(batch.idempotencyKey == "seoul-a:55:7")
        let inline = Batch(edge: "e", seq: 3, spool: 9, series: [press], sid: [0], ts: [1], value: [1], deviceSeq: [-1])
        #expect(try BatchCodec.decode(BatchCodec.encode(inline)).spool == 9)
        #expect(Batch(edge: "e", seq: 3).idempotencyKey == "e:3")
        #expect(throws: BatchDecodingError(.invalidJSON, "spool must be a positive integer, got -4")) {
            try BatchCodec.decode(Array(#"{"edge":"e","seq":1,"spool":-4,"dict":5,"sid":[],"ts":[],"value":[]}"#.utf8))
        }
        // The hash covers the readings only: definitions added for a resend do not change it.
        var defined = batch
        defined.series = [press]
        defined.seriesKeys = [1]
        #expect(defined.contentHash == batch.contentHash)
        var other = batch
        other.value = [2.000001]
        #expect(other.contentHash != batch.contentHash)
    }

    @Test("definitions added to a spooled body decode as if encoded with them")
    func addingDefinitions() throws {
        let bare = Batch(edge: "e", seq: 1, dictionary: 9, sid: [3, 4, 3], ts: [1, 2, 3], value: [1, 2, 3], deviceSeq: [-1, -1, -1])
        let definitions = [SeriesDefinition(key: 3, series: press), SeriesDefinition(key: 4, series: kiln)]
        let body = BatchCodec.addingDefinitions(definitions, to: BatchCodec.encode(bare))
        var full = bare
        full.series = definitions.map(\.series)
        full.seriesKeys = [3, 4]
        #expect(try BatchCodec.decode(body) == full)
        #expect(BatchCodec.addingDefinitions([], to: BatchCodec.encode(bare)) == BatchCodec.encode(bare))
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        #expect((object?["defs"] as? [[Any]])?[1][2] as? String == "line \"2\"")
    }

    @Test("decoding refuses dictionary batches that break the contract", arguments: [
        (#"{"edge":"e","seq":1,"dict":0,"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidJSON, "dict must be a positive integer, got 0")),
        (#"{"edge":"e","seq":1,"dict":5,"series":[],"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidSeries, "a batch with dict defines its series in defs, not series")),
        (#"{"edge":"e","seq":1,"series":[],"defs":[],"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidSeries, "defs is only allowed with dict")),
        (#"{"edge":"e","seq":1,"dict":5,"defs":[[1,"a","b","c","d",""],[1,"a","b","c","e",""]],"sid":[1],"ts":[1],"value":[1]}"#, BatchDecodingError(.invalidSeries, "defs[1] defines key 1 a second time")),
        (#"{"edge":"e","seq":1,"dict":5,"defs":[[4194304,"a","b","c","d",""]],"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidSeries, "defs[0] key 4194304 is not below 4194304")),
        (#"{"edge":"e","seq":1,"dict":5,"sid":[4194304],"ts":[1],"value":[1]}"#, BatchDecodingError(.sidOutOfRange, "sid[0] = 4194304 is not below the dictionary key limit 4194304")),
        (#"{"edge":"e","seq":1,"dict":5,"defs":[[1,"a","b","c","d"]],"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidSeries, "defs[0] has 5 entries, expected 6 (key, site, line, device, sensor, unit)")),
        (#"{"edge":"e","seq":1,"dict":5,"defs":[[-1,"a","b","c","d","e"]],"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidSeries, "defs[0] must start with a key (a non-negative integer)")),
        (#"{"edge":"e","seq":1,"dict":5,"defs":[["a","b","c","d","e","f"]],"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidJSON, "wrong type at defs[0][0]")),
        (#"{"edge":"e","seq":1,"dict":5,"defs":[[1,"a","b","c","d","e","f"]],"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidSeries, "defs[0] has more than 6 entries")),
        (#"{"edge":"e","seq":1,"dict":5,"defs":[],"defs":[],"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidJSON, #"member "defs" appears twice"#)),
        (#"{"edge":"e","seq":1,"sid":[],"ts":[],"value":[]}"#, BatchDecodingError(.invalidJSON, #"missing member "series" at the top level"#)),
    ] as [(String, BatchDecodingError)])
    func decodeErrors(_ json: String, _ expected: BatchDecodingError) {
        #expect(throws: expected) { try BatchCodec.decode(Array(json.utf8)) }
    }

    @Test("the edge's received window is written last, read back, kept by inline(), and refused when it is not [from, to] in range")
    func receivedWindow() throws {
        var batch = Batch(edge: "e", seq: 1, dictionary: 9, sid: [3], ts: [1_700_000_000_500], value: [1], deviceSeq: [5])
        batch.received = 1_700_000_000_000...1_700_000_001_000
        #expect(text(BatchCodec.encode(batch)) == #"{"edge":"e","seq":1,"dict":9,"sid":[3],"ts":[1700000000500],"value":[1.0],"dseq":[5],"received":[1700000000000,1700000001000]}"#)
        #expect(try BatchCodec.decode(BatchCodec.encode(batch)) == batch)
        // Not part of the readings: a resend with or without it is the same batch.
        var without = batch
        without.received = nil
        #expect(without.contentHash == batch.contentHash)
        var dictionary = SeriesDictionary(id: 9)
        let defined = try BatchCodec.decode(BatchCodec.addingDefinitions([SeriesDefinition(key: 3, series: press)], to: BatchCodec.encode(batch)))
        #expect(try dictionary.inline(defined).received == batch.received)

        let prefix = #"{"edge":"e","seq":1,"series":[],"sid":[],"ts":[],"value":[],"received":"#
        for (window, message) in [
            ("[5,4]", "received must be [from, to] epoch milliseconds with 0 <= from <= to <= 9999999999999"),
            ("[-1,4]", "received must be [from, to] epoch milliseconds with 0 <= from <= to <= 9999999999999"),
            ("[1,10000000000000]", "received must be [from, to] epoch milliseconds with 0 <= from <= to <= 9999999999999"),
            ("[1]", "received must be [from, to] epoch milliseconds with 0 <= from <= to <= 9999999999999"),
            ("[1,2,3]", "received has more than 2 entries"),
            ("[1,2,3,4,5,6,7,8,9,10]", "received has more than 2 entries"),
            ("\"soon\"", "wrong type at received"),
            ("[1.5,2]", "wrong type at received[0]"),
        ] {
            #expect(throws: BatchDecodingError(.invalidJSON, message), "\(window)") {
                try BatchCodec.decode(Array((prefix + window + "}").utf8))
            }
        }
    }
}

@Suite("BatchCodec: size limits")
struct BatchCodecLimitTests {
    @Test("decoding stops at maxReadings in any column, series list or defs, naming it")
    func stopsAtTheLimit() throws {
        let ok = Batch(edge: "e", seq: 1, dictionary: 5, sid: [1, 2, 3], ts: [1, 2, 3], value: [1, 2, 3], deviceSeq: [-1, -1, -1])
        #expect(try BatchCodec.decode(BatchCodec.encode(ok), maxReadings: 3) == ok)
        #expect(throws: BatchDecodingError(.tooManyReadings, "sid has more than 2 entries")) {
            try BatchCodec.decode(BatchCodec.encode(ok), maxReadings: 2)
        }
        let columns = [("ts", #"{"edge":"e","seq":1,"dict":5,"ts":[1,2,3],"sid":[],"value":[]}"#),
                       ("value", #"{"edge":"e","seq":1,"dict":5,"value":[1,2,3],"sid":[],"ts":[]}"#),
                       ("defs", #"{"edge":"e","seq":1,"dict":5,"defs":[[1,"a","b","c","d",""],[2,"a","b","c","e",""],[3,"a","b","c","f",""]],"sid":[],"ts":[],"value":[]}"#),
                       ("series", #"{"edge":"e","seq":1,"series":[["a","b","c","d",""],["a","b","c","e",""],["a","b","c","f",""]],"sid":[],"ts":[],"value":[]}"#)]
        for (name, json) in columns {
            #expect(throws: BatchDecodingError(.tooManyReadings, "\(name) has more than 2 entries")) {
                try BatchCodec.decode(Array(json.utf8), maxReadings: 2)
            }
        }
        #expect(throws: BatchDecodingError(.invalidSeries, "series[0] has more than 5 fields (site, line, device, sensor, unit)")) {
            try BatchCodec.decode(Array(#"{"edge":"e","seq":1,"series":[["a","b","c","d","e","f","g"]],"sid":[],"ts":[],"value":[]}"#.utf8))
        }
    }
}

@Suite("SeriesDictionary")
struct SeriesDictionaryTests {
    let press = Series(site: "seoul", line: "line-1", device: "press-07", sensor: "temperature", unit: "C")
    let kiln = Series(site: "seoul", line: "line-2", device: "kiln", sensor: "temp")

    @Test("a batch of keys becomes the same readings inline, with keys defined in earlier batches")
    func resolvesAcrossBatches() throws {
        var dictionary = SeriesDictionary(id: 9)
        let first = Batch(edge: "e", seq: 1, dictionary: 9, definitions: [.init(key: 40, series: press)], sid: [40], ts: [1], value: [1], deviceSeq: [7])
        #expect(try dictionary.inline(first) == Batch(edge: "e", seq: 1, series: [press], sid: [0], ts: [1], value: [1], deviceSeq: [7]))
        let second = Batch(edge: "e", seq: 2, dictionary: 9, definitions: [.init(key: 2, series: kiln)], sid: [2, 40, 2], ts: [1, 2, 3], value: [1, 2, 3], deviceSeq: [-1, -1, -1])
        #expect(try dictionary.inline(second) == Batch(edge: "e", seq: 2, series: [kiln, press], sid: [0, 1, 0], ts: [1, 2, 3], value: [1, 2, 3], deviceSeq: [-1, -1, -1]))
        let inline = Batch(edge: "e", seq: 3, series: [kiln], sid: [0], ts: [1], value: [1])
        #expect(try dictionary.inline(inline) == inline)
    }

    @Test("unknown keys are listed, sorted and once; a key never changes its series")
    func refusesUnknownAndRedefined() throws {
        var dictionary = SeriesDictionary(id: 9)
        try dictionary.define([.init(key: 1, series: press)])
        #expect(throws: SeriesDictionary.Failure.unknownKeys([3, 8])) {
            try dictionary.inline(Batch(edge: "e", seq: 1, dictionary: 9, sid: [8, 1, 3, 8], ts: [1, 1, 1, 1], value: [1, 1, 1, 1]))
        }
        #expect(throws: SeriesDictionary.Failure.redefined(key: 1, was: press, now: kiln)) {
            try dictionary.define([.init(key: 2, series: kiln), .init(key: 1, series: kiln)])
        }
        #expect(dictionary.byKey == [1: press])
        try dictionary.define([.init(key: 1, series: press)])
        #expect(dictionary.byKey == [1: press])
    }

}
