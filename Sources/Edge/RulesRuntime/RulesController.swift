import Clocks
import Foundation
import Logging
import Readings
import Rules
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Keeps the live rules in step with the rule file: reloads on SIGHUP and when the file changes
/// (checked every `watchInterval`). A file that does not load keeps the old rules running; the
/// errors go to the log, the `haetae_rule_reloads_total{result="error"}` metric and `/api/v1/rules`.
final class RulesController: Service, Sendable {
    private let path: String
    private let receivers: Set<String>
    private let watchInterval: Duration
    private let slot: RuleUpdateSlot
    private let metrics: EdgeMetrics
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var status: RulesStatus
        var fingerprint: Data?
    }

    /// - Parameter initial: the rules the edge started with, loaded from `path`.
    init(path: String, initial: RuleSet, receivers: Set<String>, watchInterval: Duration, slot: RuleUpdateSlot, metrics: EdgeMetrics, logger: Logger) {
        self.path = path
        self.receivers = receivers
        self.watchInterval = watchInterval
        self.slot = slot
        self.metrics = metrics
        self.logger = logger
        let contents = FileManager.default.contents(atPath: path)
        state = Mutex(State(
            status: RulesStatus(
                path: path, version: Self.version(contents), loadedAt: Self.now(), loadedAtMillis: WallClock.millis(),
                rules: Self.summaries(initial), reloads: 0, failedReloads: 0, lastError: nil),
            fingerprint: contents))
        metrics.rulesLoaded.record(initial.rules.count)
    }

    var status: RulesStatus { state.withLock { $0.status } }

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups {
                    self.logger.info("SIGHUP: reloading rules", metadata: ["path": "\(self.path)"])
                    await self.reload(force: true)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: self.watchInterval)
                    await self.reload(force: false)
                }
            }
            try await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Loads the file if it changed (or `force`); returns whether new rules went live.
    @discardableResult
    func reload(force: Bool) async -> Bool {
        let contents = FileManager.default.contents(atPath: path)
        let changed = state.withLock { $0.fingerprint != contents }
        guard force || changed else { return false }
        // A file being written in place can be read half-written (even empty, which would load
        // as "no rules" and resolve every alert): take it only once it reads the same twice.
        try? await Task.sleep(for: .milliseconds(100))
        guard FileManager.default.contents(atPath: path) == contents else { return false }
        do {
            let rules = try RulesLoader.load(path: path, receivers: receivers)
            slot.put(rules)
            state.withLock {
                $0.fingerprint = contents
                $0.status.rules = Self.summaries(rules)
                $0.status.version = Self.version(contents)
                $0.status.loadedAt = Self.now()
                $0.status.loadedAtMillis = WallClock.millis()
                $0.status.reloads += 1
                $0.status.lastError = nil
            }
            metrics.ruleReloads["ok"]?.increment()
            metrics.rulesLoaded.record(rules.rules.count)
            logger.notice("rules reloaded", metadata: ["path": "\(path)", "rules": "\(rules.rules.count)"])
            return true
        } catch {
            state.withLock {
                $0.fingerprint = contents  // report a bad file once, not every interval
                $0.status.failedReloads += 1
                $0.status.lastError = error.description
            }
            metrics.ruleReloads["error"]?.increment()
            logger.error("rule file not loaded; the previous rules keep running", metadata: ["path": "\(path)", "errors": "\(error.description)"])
            return false
        }
    }

    /// The digest of a rule file's bytes (empty when there is none).
    static func version(_ contents: Data?) -> String {
        guard let contents else { return "" }
        return ContentDigest.hex16(Array(contents))
    }

    static func summaries(_ rules: RuleSet) -> [RulesStatus.RuleSummary] {
        rules.rules.map { rule in
            var match: [String: String] = [:]
            if let glob = rule.match.site { match["site"] = glob.pattern }
            if let glob = rule.match.line { match["line"] = glob.pattern }
            if let glob = rule.match.device { match["device"] = glob.pattern }
            if let glob = rule.match.sensor { match["sensor"] = glob.pattern }
            return RulesStatus.RuleSummary(
                name: rule.name, severity: rule.severity.rawValue, when: rule.when, clear: rule.clear,
                holdMillis: rule.holdFor.milliseconds, match: match,
                actions: rule.actions.map { action in
                    switch action {
                    case .webhook(let receiver): "webhook:\(receiver)"
                    case .mqtt(let topic, _, let qos, let loop):
                        "mqtt:\(topic.source) qos \(qos)" + (loop.confirm.map { " confirm \($0.topic.source) within \($0.withinMillis) ms" } ?? "")
                    }
                })
        }
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
