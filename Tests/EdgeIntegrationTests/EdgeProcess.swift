import Foundation
import Spool
import TestSupport

/// A real `haetae-edge run` process with its own config, spool and ops port, for one test.
final class EdgeProcess: @unchecked Sendable {  // used from one test task at a time
    let directory: TemporaryDirectory
    let configPath: String
    let httpPort: Int
    let binary: String
    private(set) var child: ChildProcess?
    private var runs = 0

    /// Writes `edge.yaml` for a broker on `brokerPort`; `extra` lines are appended as YAML.
    init(brokerPort: Int, clientID: String = "haetae-test-\(UUID().uuidString.prefix(6))", mqtt: String = "", spool: String = "", extra: String = "") throws {
        directory = try TemporaryDirectory(prefix: "haetae-edge")
        configPath = directory.file("edge.yaml")
        httpPort = FreePort.allocate()
        binary = try BuiltProducts.executable("haetae-edge")
        let config = """
            edge: {id: test-edge, site: seoul}
            mqtt:
              host: 127.0.0.1
              port: \(brokerPort)
              client_id: \(clientID)
              qos: 1
              topics: ["factory/#"]
              keepalive: 10s
              reconnect: {initial: 50ms, max: 500ms}
            \(mqtt.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            spool:
              path: spool.db
              synchronous: normal
            \(spool.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            http: {listen: "127.0.0.1:\(httpPort)"}
            log: {level: info, format: text}
            \(extra)
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var spoolPath: String { directory.file("spool.db") }

    /// Starts the gateway and waits until `/readyz` answers 200.
    func start(waitReady: Bool = true, environment: [String: String] = [:]) async throws {
        runs += 1
        let child = try ChildProcess(
            binary, ["run", "--config", configPath],
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, outputDirectory: directory.path)
        self.child = child
        guard waitReady else { return }
        let ready = await eventually(timeout: .seconds(20), poll: .milliseconds(20)) {
            !child.isRunning || HTTPGet.fetch(port: httpPort, path: "/readyz")?.status == 200
        }
        guard ready, child.isRunning else {
            throw TestSupportError("haetae-edge did not become ready: \(child.output())")
        }
    }

    /// SIGTERM, then waits for the exit status.
    @discardableResult
    func stop(timeout: Duration = .seconds(30)) async -> Int32? {
        guard let child else { return nil }
        child.terminate()
        let status = await child.waitForExit(timeout: timeout)
        if status == nil { child.kill() }
        return status
    }

    /// SIGKILL: no chance to commit anything.
    func kill() async {
        guard let child else { return }
        child.kill()
        _ = await child.waitForExit(timeout: .seconds(10))
    }

    func output() -> String { child?.output() ?? "" }

    func metrics() -> String { HTTPGet.fetch(port: httpPort, path: "/metrics")?.body ?? "" }

    func metric(_ name: String, labels: String = "") -> Double? {
        HTTPGet.metric(name, labels: labels, in: metrics())
    }

    /// Spooled readings, read straight from the spool file (works while the edge runs).
    func spooledReadings() throws -> [SpooledReading] {
        guard FileManager.default.fileExists(atPath: spoolPath) else { return [] }
        var readings: [SpooledReading] = []
        try SpoolReader(path: spoolPath).forEachReading { readings.append($0) }
        return readings
    }

    func spoolStats() throws -> SpoolStats? {
        guard FileManager.default.fileExists(atPath: spoolPath) else { return nil }
        return try SpoolReader(path: spoolPath).stats()
    }

    /// Runs a `haetae-edge` subcommand against this config.
    func command(_ arguments: [String]) async throws -> String {
        try await ChildProcess.run(binary, arguments + ["--config", configPath])
    }
}

/// Loss and duplicates of a run of device `seq` numbers 0..<expected.
struct SeqAccounting: CustomStringConvertible {
    var expected: Int
    var distinct: Int
    var duplicates: Int
    var missing: Int { expected - distinct }

    init(expected: Int, seqs: [Int64]) {
        self.expected = expected
        let inRange = seqs.filter { $0 >= 0 && $0 < expected }
        distinct = Set(inRange).count
        duplicates = inRange.count - distinct
    }

    var description: String { "expected \(expected), stored \(distinct) distinct, \(missing) missing, \(duplicates) duplicates" }
}
