import Foundation
import TestSupport
import Testing

/// Hot reload of the rule file under load: by file change and by SIGHUP, good files and bad.
@Suite("Rule hot reload (integration)", .serialized, .timeLimit(.minutes(3)))
struct RulesReloadIntegrationTests {
    static let pressureTopics = (1...4).map { "factory/seoul/line\($0)/press-0\($0)/pressure" }
    static let published = 20_000

    static let oneRule = """
        rules:
          - name: furnace-overheat
            match: {sensor: temperature}
            when: value > 850
            severity: critical
        """

    static let twoRules = oneRule + """

          - name: press-overpressure
            match: {device: "press-*", sensor: pressure}
            when: value > 10
            severity: warning
        """

    /// A file with an error on line 6, column 18 (the second `>`).
    static let badRules = """
        rules:
          - name: furnace-overheat
            match: {sensor: temperature}
            when: value > 850
          - name: press-overpressure
            when: value >> 10
        """

    enum Trigger: String, CustomStringConvertible, CaseIterable {
        case fileChange = "file change"
        case sighup = "SIGHUP"
        var description: String { rawValue }
    }

    /// Starts a bulk publisher of `published` pressure readings and waits until the edge has
    /// spooled some of them, so what follows happens mid-stream.
    static func startLoad(_ broker: MosquittoBroker, _ edge: EdgeProcess) async throws -> Task<Void, any Error> {
        let task = Task {
            try await Publisher.publishBulk(port: broker.port, count: published, qos: 1, topics: pressureTopics)
        }
        #expect(await eventually(timeout: .seconds(30), poll: .milliseconds(5)) { (edge.metric("haetae_readings_spooled_total") ?? 0) > 1_000 })
        return task
    }

    /// Waits for the load to finish and checks that every published reading was spooled.
    static func expectNothingLost(_ load: Task<Void, any Error>, _ edge: EdgeProcess) async throws {
        try await load.value
        #expect(await eventually(timeout: .seconds(30)) { edge.metric("haetae_readings_spooled_total") == Double(published) },
                "spooled \(edge.metric("haetae_readings_spooled_total") ?? -1) of \(published)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(edge.metric("haetae_readings_spooled_total") == Double(published))
        let accounting = SeqAccounting(expected: published, seqs: try edge.spooledReadings().map(\.deviceSeq))
        #expect(accounting.missing == 0 && accounting.duplicates == 0, "\(accounting)")
    }

    static func ruleNames(_ edge: EdgeProcess) -> [String] {
        (edge.api("/api/v1/rules")?["rules"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    @Test("a new rule file goes live without losing a reading; the rule it adds starts alerting", arguments: Trigger.allCases)
    func goodFileGoesLive(trigger: Trigger) async throws {
        let broker = try await MosquittoBroker()
        // With SIGHUP the file watcher is too slow to matter: only the signal reloads.
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: Self.oneRule,
            rulesSettings: [trigger == .sighup ? "watch_interval: 1h" : "watch_interval: 200ms"])
        try await edge.start()
        #expect(Self.ruleNames(edge) == ["furnace-overheat"])

        let load = try await Self.startLoad(broker, edge)
        try edge.writeRules(Self.twoRules)
        if trigger == .sighup { edge.hangUp() }
        #expect(await eventually { Self.ruleNames(edge) == ["furnace-overheat", "press-overpressure"] }, "\(edge.output())")
        let reloadedAt = edge.metric("haetae_readings_spooled_total") ?? 0
        try await Self.expectNothingLost(load, edge)
        print("rule reload by \(trigger): live after \(Int(reloadedAt)) of \(Self.published) readings were spooled")

        let status = try #require(edge.api("/api/v1/rules"))
        #expect(status["reloads"] as? Int == 1)
        #expect(status["failed_reloads"] as? Int == 0)
        #expect(status["last_error"] == nil)
        #expect(edge.metric("haetae_rule_reloads_total", labels: #"result="ok""#) == 1)
        #expect(edge.metric("haetae_rule_reloads_total", labels: #"result="error""#) == 0)
        #expect(edge.metric("haetae_rules_loaded") == 2)
        // The added rule alerts on the press series (each reached a value above 10).
        #expect(await eventually {
            Set(edge.alerts().compactMap { $0["rule"] as? String == "press-overpressure" ? $0["device"] as? String : nil })
                == ["press-01", "press-02", "press-03", "press-04"]
        }, "\(edge.alerts())")
        #expect(await edge.stop() == 0)
    }

    @Test("a bad rule file keeps the old rules running, reports FILE:LINE:COLUMN and counts the error; no reading is lost")
    func badFileKeepsOldRules() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port, rules: Self.oneRule)
        try await edge.start()

        let load = try await Self.startLoad(broker, edge)
        try edge.writeRules(Self.badRules, atomically: false)
        #expect(await eventually { edge.metric("haetae_rule_reloads_total", labels: #"result="error""#) == 1 }, "\(edge.output())")
        try await Self.expectNothingLost(load, edge)

        let status = try #require(edge.api("/api/v1/rules"))
        let lastError = try #require(status["last_error"] as? String)
        #expect(lastError.hasPrefix("\(edge.rulesPath):6:18: "), "\(lastError)")
        #expect(status["failed_reloads"] as? Int == 1)
        #expect(status["reloads"] as? Int == 0)
        #expect(Self.ruleNames(edge) == ["furnace-overheat"])
        #expect(edge.metric("haetae_rules_loaded") == 1)
        #expect(edge.output().contains("rule file not loaded; the previous rules keep running"))
        // Reported once, not at every watch interval.
        try await Task.sleep(for: .milliseconds(600))
        #expect(edge.metric("haetae_rule_reloads_total", labels: #"result="error""#) == 1)

        // The old rule still runs.
        try await AlertTest.publish(broker, value: 900)
        #expect(await eventually { edge.alerts().map { $0["rule"] as? String } == ["furnace-overheat"] })

        // Fixed: it loads, and the error is gone.
        try edge.writeRules(Self.twoRules)
        #expect(await eventually { Self.ruleNames(edge).count == 2 })
        #expect(edge.api("/api/v1/rules")?["last_error"] == nil)
        #expect(edge.metric("haetae_rule_reloads_total", labels: #"result="ok""#) == 1)
        #expect(await edge.stop() == 0)
    }
}
