import Foundation
import Rules
import Testing

/// One folder of `Fixtures/rule-errors`: `rules.yaml` and the exact `expected.txt` report.
struct RuleFileGoldenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var folder: URL

    var testDescription: String { name }

    static var all: [RuleFileGoldenCase] {
        guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return [] }
        let root = fixtures.appendingPathComponent("rule-errors")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().map { RuleFileGoldenCase(name: $0, folder: root.appendingPathComponent($0)) }
    }
}

@Suite("Rule file errors (golden files)")
struct RuleFileGoldenTests {
    @Test("the fixture folder holds the expected cases")
    func fixturesAreFound() {
        #expect(RuleFileGoldenCase.all.count >= 15)
    }

    @Test("each bad rule file reports exactly its expected errors, with line and column", arguments: RuleFileGoldenCase.all)
    func reportsExpectedErrors(_ golden: RuleFileGoldenCase) throws {
        let text = try String(contentsOf: golden.folder.appendingPathComponent("rules.yaml"), encoding: .utf8)
        let expected = try String(contentsOf: golden.folder.appendingPathComponent("expected.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let report: [String]
        do {
            _ = try RuleFileParser.parse(text: text, path: "rules.yaml")
            report = []
        } catch {
            report = error.errors.map(\.description)
        }
        #expect(report == expected)
    }
}
