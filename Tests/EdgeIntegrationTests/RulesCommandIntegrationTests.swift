import Foundation
import TestSupport
import Testing

/// `haetae-edge rules check` and `haetae-edge rules replay`, run as the built binary.
@Suite("rules check and replay (integration)", .timeLimit(.minutes(2)))
struct RulesCommandIntegrationTests {
    static let goodRules = """
        rules:
          - name: furnace-overheat
            match: {device: "furnace-*", sensor: temperature}
            when: value > 850
            for: 2s
            clear: value < 820
            severity: critical
            actions:
              - webhook: default
          - name: silent
            match: {sensor: "*"}
            when: absent(30s)
            severity: warning
          - {name: vib-high, match: {sensor: vibration}, when: "avg(5s) > 7.1", severity: warning}
        """

    /// Three errors: line 3 column 18 (`>>`), line 5 column 18 (unclosed `avg(`), line 6 column 15.
    static let badRules = """
        rules:
          - name: a
            when: value >> 10
          - name: b
            when: avg(5s > 3
            severity: fatal
        """

    /// Runs the edge binary to completion; returns exit status, stdout and stderr.
    static func run(_ arguments: [String]) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try ChildProcess(try BuiltProducts.executable("haetae-edge"), arguments)
        let status = await child.waitForExit(timeout: .seconds(20))
        if status == nil { child.kill() }
        return (status, child.standardOutput(), child.standardError())
    }

    @Test("a good file: `N rules OK`, exit 0; a bad one: exit 1 and one FILE:LINE:COLUMN line per error")
    func check() async throws {
        let directory = try TemporaryDirectory()
        let good = directory.file("good.yaml")
        let bad = directory.file("bad.yaml")
        try Self.goodRules.write(toFile: good, atomically: true, encoding: .utf8)
        try Self.badRules.write(toFile: bad, atomically: true, encoding: .utf8)

        let ok = try await Self.run(["rules", "check", good])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout == "\(good): 3 rules OK\n")

        let failed = try await Self.run(["rules", "check", bad])
        #expect(failed.status == 1)
        #expect(failed.stdout.isEmpty)
        let lines = failed.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(failed.stderr)")
        #expect(lines.map { $0.split(separator: ":").prefix(3).joined(separator: ":") } == ["\(bad):3:18", "\(bad):5:18", "\(bad):6:15"], "\(failed.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("\(bad):") }, "every line, the first too, starts with FILE:LINE:COLUMN: \(failed.stderr)")
        #expect(lines.last?.hasSuffix("unknown severity 'fatal' (allowed: info, warning, critical)") == true)
    }

    @Test("with --config, a webhook receiver the config does not define is an error at its line and column")
    func checkAgainstConfig() async throws {
        let directory = try TemporaryDirectory()
        let rules = directory.file("rules.yaml")
        try Self.goodRules.write(toFile: rules, atomically: true, encoding: .utf8)
        try AlertTest.secret.write(toFile: directory.file("oncall.secret"), atomically: true, encoding: .utf8)
        let config = directory.file("edge.yaml")
        try """
            edge: {id: a, site: seoul}
            webhooks:
              oncall:
                url: http://127.0.0.1:9/hooks
                secret_file: oncall.secret
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let result = try await Self.run(["rules", "check", rules, "--config", config])
        #expect(result.status == 1)
        #expect(result.stderr == "\(rules):9:18: rule furnace-overheat: unknown webhook receiver \"default\" (configured: oncall)\n")

        // Without --config the receiver names are not checked.
        #expect(try await Self.run(["rules", "check", rules]).status == 0)
    }

    @Test("replay prints firing and resolved at the input's event times, and an `absent` firing by timer after the last reading")
    func replay() async throws {
        let directory = try TemporaryDirectory()
        let rules = directory.file("rules.yaml")
        try Self.goodRules.write(toFile: rules, atomically: true, encoding: .utf8)
        let t0: Int64 = 1_732_400_000_000  // 2024-11-23T22:13:20.000Z
        let readings: [(Int64, Double)] = [(0, 800), (1_000, 860), (2_000, 870), (3_500, 880), (5_000, 810)]
        let input = directory.file("readings.ndjson")
        try readings.map { offset, value in
            #"{"site":"seoul","line":"line1","device":"furnace-01","sensor":"temperature","unit":"C","ts":\#(t0 + offset),"value":\#(value)}"#
        }.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)

        let result = try await Self.run(["rules", "replay", rules, "--input", input])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").map(String.init) == [
            // Pending from 860 at +1 s; `for: 2s` elapses at +3 s, seen by the timer before the +3.5 s reading.
            "2024-11-23T22:13:23.000Z  firing    furnace-overheat  critical  seoul/line1/furnace-01/temperature  value=870.0  (timer)",
            // 880 is above `clear`; 810 is below it.
            "2024-11-23T22:13:25.000Z  resolved  furnace-overheat  critical  seoul/line1/furnace-01/temperature  value=810.0  (input line 5)",
            // 30 s after the last reading, within the default 60 s tail; `absent` rules raise one alarm per device.
            "2024-11-23T22:13:55.000Z  firing    silent  warning  seoul/line1/furnace-01  value=810.0  (timer)",
        ], "\(result.stdout)")
        #expect(result.stderr == "5 readings, 3 transitions\n")

        // A shorter tail ends before the silence is long enough.
        let short = try await Self.run(["rules", "replay", rules, "--input", input, "--tail", "10s"])
        #expect(short.stdout.split(separator: "\n").count == 2)
    }
}
