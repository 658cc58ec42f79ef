import Foundation

/// A WAN link for tests (`WANProxy/wan_proxy.py`): a TCP proxy on a loopback port in front of
/// `target`, adding latency with jitter, that can be cut (bytes stop, new connections hang, as in
/// a real outage: senders see timeouts, not refusals) and restored. Killed when it goes away.
///
/// ```swift
/// let wan = try await WANProxyProcess(targetPort: core.port, latency: .milliseconds(20), jitter: .milliseconds(5))
/// // point the edge at wan.url …
/// try await wan.cut(); …; try await wan.restore()
/// ```
public final class WANProxyProcess: Sendable {
    public let port: Int
    private let directory: TemporaryDirectory
    private let process: ChildProcess
    private let statePath: String

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("WANProxy/wan_proxy.py").path

    /// Starts the proxy to `targetHost:targetPort` and waits until it listens.
    public init(targetHost: String = "127.0.0.1", targetPort: Int, latency: Duration = .zero, jitter: Duration = .zero) async throws {
        directory = try TemporaryDirectory(prefix: "haetae-wan")
        statePath = directory.file("state.log")
        port = FreePort.allocate()
        process = try ChildProcess(
            "python3",
            [Self.script, "\(port)", targetHost, "\(targetPort)", "\(Self.millis(latency))", "\(Self.millis(jitter))", statePath],
            outputDirectory: directory.path)
        let port = self.port
        let process = process
        guard await eventually(timeout: .seconds(10), poll: .milliseconds(20), { FreePort.isAccepting(port: port) || !process.isRunning }),
            process.isRunning
        else { throw TestSupportError("wan_proxy.py did not start on port \(port): \(process.output())") }
    }

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Cuts the link and waits until the proxy says so.
    public func cut() async throws {
        try await signal(SIGUSR1, expecting: "cut")
    }

    /// Restores the link (connections from before are dropped) and waits until the proxy says so.
    public func restore() async throws {
        try await signal(SIGUSR2, expecting: "restored")
    }

    /// Bytes carried toward the target (`up`) and back (`down`) at the last change of state.
    public func events() -> [String] {
        ((try? String(contentsOfFile: statePath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    public func output() -> String { process.output() }

    public func stop() async {
        process.terminate()
        if await process.waitForExit(timeout: .seconds(2)) == nil { process.kill() }
    }

    private func signal(_ number: Int32, expecting word: String) async throws {
        let before = events().filter { $0.contains(" \(word) ") }.count
        process.signal(number)
        guard await eventually(timeout: .seconds(5), poll: .milliseconds(10), { self.events().filter { $0.contains(" \(word) ") }.count > before })
        else { throw TestSupportError("wan_proxy.py did not report \(word): \(process.output())") }
    }

    private static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
