import Foundation
import Readings
import Testing

@Suite("BatchCodec")
struct BatchCodecTests {
    let batch = Batch(
        edge: "seoul-a", seq: 42,
        series: [
            Series(site: "seoul", line: "line-1", device: "press-07", sensor: "temperature", unit: "C"),
            Series(site: "seoul", line: "line \"2\"", device: "탭\\1", sensor: "tab\there\u{1}", unit: ""),
        ],
        sid: [0, 1, 0], ts: [1_732_400_000_123, 0, 253_402_300_799_999],
        value: [71.25, -0.0, 1e-7], deviceSeq: [-1, -1, -1])

    func text(_ batch: Batch) -> String { String(decoding: BatchCodec.encode(batch), as: UTF8.self) }

    @Test("encodes the DESIGN §3.4 columnar form, without dseq when no reading has one")
    func encodesColumns() {
        #expect(text(batch) == #"{"edge":"seoul-a","seq":42,"series":[["seoul","line-1","press-07","temperature","C"],["seoul","line \"2\"","탭\\1","tab\there\u0001",""]],"sid":[0,1,0],"ts":[1732400000123,0,253402300799999],"value":[71.25,-0.0,1e-07]}"#)
    }

    @Test("round-trips, with dseq written when some reading has a device seq")
    func roundTrip() throws {
        var withSeq = batch
        withSeq.deviceSeq = [12, -1, Int64.max]
        withSeq.seq = Int64.min
        #expect(text(withSeq).contains(#""dseq":[12,-1,9223372036854775807]"#))
        #expect(try BatchCodec.decode(BatchCodec.encode(withSeq)) == withSeq)
        #expect(try BatchCodec.decode(BatchCodec.encode(batch)) == batch)
        let empty = Batch(edge: "e", seq: 0)
        #expect(try BatchCodec.decode(BatchCodec.encode(empty)) == empty)
    }

    @Test("doubles survive the round trip bit for bit")
    func doublesExact() throws {
        let values: [Double] = [0.1, 1.0 / 3, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123456789012345680, 71.2]
        let many = Batch(edge: "e", seq: 1, series: [Series(site: "a", line: "b", device: "c", sensor: "d")],
                         sid: values.map { _ in 0 }, ts: values.map { _ in 1 }, value: values,
                         deviceSeq: values.map { _ in -1 })
        let decoded = try BatchCodec.decode(BatchCodec.encode(many))
        #expect(decoded.value.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test("encoded batches are JSON that Foundation reads")
    func foundationReadsIt() throws {
        let object = try JSONSerialization.jsonObject(with: Data(BatchCodec.encode(batch))) as? [String: Any]
        #expect(object?["edge"] as? String == "seoul-a")
        #expect((object?["series"] as? [[String]])?[1][3] == "tab\there\u{1}")
    }

    @Test("decoding rejects batches whose parts do not fit together", arguments: [
        (#"{"edge":"e","seq":1,"series":[],"sid":[0],"ts":[1],"value":[1]}"#, BatchDecodingError.Code.sidOutOfRange),
        (#"{"edge":"e","seq":1,"series":[["a","b","c","d","u"]],"sid":[0],"ts":[1,2],"value":[1]}"#, .columnLengthMismatch),
        (#"{"edge":"e","seq":1,"series":[["a","b","c","d","u"]],"sid":[0],"ts":[1],"value":[1],"dseq":[]}"#, .columnLengthMismatch),
        (#"{"edge":"e","seq":1,"series":[["a","b","c","d"]],"sid":[],"ts":[],"value":[]}"#, .invalidSeries),
        (#"{"edge":"e","seq":1,"series":[],"sid":[],"ts":[]}"#, .invalidJSON),
        (#"{"edge":"e","seq":"1","series":[],"sid":[],"ts":[],"value":[]}"#, .invalidJSON),
        (#"not json"#, .invalidJSON),
    ] as [(String, BatchDecodingError.Code)])
    func decodeErrors(_ json: String, _ code: BatchDecodingError.Code) {
        #expect {
            _ = try BatchCodec.decode(Array(json.utf8))
        } throws: { error in
            (error as? BatchDecodingError)?.code == code
        }
    }

    @Test("decode errors say which member is wrong")
    func decodeErrorMessages() {
        #expect(throws: BatchDecodingError(.sidOutOfRange, "sid[1] = 3 but the batch has 1 series")) {
            try BatchCodec.decode(Array(#"{"edge":"e","seq":1,"series":[["a","b","c","d",""]],"sid":[0,3],"ts":[1,1],"value":[1,1]}"#.utf8))
        }
        #expect(throws: BatchDecodingError(.invalidJSON, #"missing member "value" at the top level"#)) {
            try BatchCodec.decode(Array(#"{"edge":"e","seq":1,"series":[],"sid":[],"ts":[]}"#.utf8))
        }
    }

    @Test("decoding skips unknown members and names a wrong element by its index")
    func decodeUnknownMembersAndElementErrors() throws {
        let batch = try BatchCodec.decode(Array(#"{"edge":"e","note":{"x":[1,2]},"seq":4,"series":[["a","b","c","d","u"]],"sid":[0],"ts":[1],"value":[2.5]}"#.utf8))
        #expect(batch.seq == 4 && batch.value == [2.5] && batch.deviceSeq == [-1])
        #expect(throws: BatchDecodingError(.invalidJSON, "wrong type at ts[1]")) {
            try BatchCodec.decode(Array(#"{"edge":"e","seq":1,"series":[["a","b","c","d",""]],"sid":[0,0],"ts":[1,"2"],"value":[1,1]}"#.utf8))
        }
        #expect(throws: BatchDecodingError(.invalidJSON, "invalid value at sid[0]")) {
            try BatchCodec.decode(Array(#"{"edge":"e","seq":1,"series":[["a","b","c","d",""]],"sid":[-1],"ts":[1],"value":[1]}"#.utf8))
        }
    }
}
