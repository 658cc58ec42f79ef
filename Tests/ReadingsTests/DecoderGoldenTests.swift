import Foundation
import Readings
import Testing

/// One folder of `Fixtures/decoder`: `topic.txt`, `payload.bin`, `expected.json`.
struct DecoderGoldenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var folder: URL

    var testDescription: String { name }

    struct Expected: Decodable {
        var rejected: String?
        var readings: [DecodedReading]?
    }

    static var all: [DecoderGoldenCase] {
        guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return [] }
        let root = fixtures.appendingPathComponent("decoder")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().map { DecoderGoldenCase(name: $0, folder: root.appendingPathComponent($0)) }
    }
}

@Suite("Payload decoder golden files")
struct DecoderGoldenTests {
    @Test("the fixture folder holds the expected cases")
    func fixturesAreFound() {
        #expect(DecoderGoldenCase.all.count >= 35)
    }

    @Test("each fixture decodes to its expected readings or reject reason", arguments: DecoderGoldenCase.all)
    func decodesAsExpected(_ golden: DecoderGoldenCase) throws {
        let topic = try String(contentsOf: golden.folder.appendingPathComponent("topic.txt"), encoding: .utf8)
            .trimmingCharacters(in: .newlines)
        let payload = try [UInt8](Data(contentsOf: golden.folder.appendingPathComponent("payload.bin")))
        let expected = try JSONDecoder().decode(
            DecoderGoldenCase.Expected.self, from: Data(contentsOf: golden.folder.appendingPathComponent("expected.json")))

        var decoder = PayloadDecoder(template: try TopicTemplate())
        var out = ReadingColumns()
        let outcome = decoder.decode(topic: topic, payload: payload, into: &out)

        if let reason = expected.rejected {
            #expect(outcome == .rejected(try #require(RejectReason(rawValue: reason))))
            #expect(out.isEmpty && out.newSeries.isEmpty, "a rejected message appends nothing")
            #expect(decoder.seriesTable.count == 0, "a rejected message interns no series")
        } else {
            let readings = try #require(expected.readings)
            #expect(outcome == .accepted(readings.count))
            #expect(out.decodedReadings() == readings)
        }
    }
}
