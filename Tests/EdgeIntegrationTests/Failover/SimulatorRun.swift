import Foundation
import TestSupport

/// `haetae-sim run` as a child process for the failover tests, with its JSON report.
struct SimulatorRun {
    let process: ChildProcess
    let reportPath: String

    /// Starts the simulator; `arguments` follow `run --broker … --report … --quiet`.
    init(broker: Int, directory: TemporaryDirectory, name: String = "sim", _ arguments: [String]) throws {
        reportPath = directory.file("\(name)-report.json")
        process = try ChildProcess(
            try BuiltProducts.executable("haetae-sim"),
            ["run", "--broker", "mqtt://127.0.0.1:\(broker)", "--report", reportPath, "--quiet"] + arguments,
            outputDirectory: directory.path)
    }

    /// Waits for the exit status (1 when the core check found a loss: the report says more).
    func finish(timeout: Duration) async -> Int32? {
        await process.waitForExit(timeout: timeout)
    }

    /// The report, once written.
    func report() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: reportPath))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestSupportError("the simulator's report is not a JSON object")
        }
        return object
    }

    /// The report's `core` section (`--verify-core`).
    func core() throws -> [String: Any] {
        guard let core = try report()["core"] as? [String: Any] else { throw TestSupportError("no core section: \(process.output())") }
        return core
    }
}

/// Wall-clock milliseconds since 1970: the clock of the simulator's report (publish and alert times).
func wallMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000) }
