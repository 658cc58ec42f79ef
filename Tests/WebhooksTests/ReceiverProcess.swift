import Foundation
import TestSupport

/// The Python test receiver (Receiver/receiver.py) on a free loopback port: it verifies every
/// request with the reference `standardwebhooks` library and records it as a JSON line.
/// The process is killed when the object goes away.
final class ReceiverProcess: Sendable {
    /// One request as the receiver saw it.
    struct Request: Decodable, Sendable {
        var n: Int
        var at: Double
        var id: String?
        var timestamp: String?
        var signature: String?
        var content_type: String?
        var user_agent: String?
        var body: String
        var verified: Bool
        var error: String?
        var response: String
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Receiver/receiver.py").path

    let port: Int
    let logPath: String
    private let directory: TemporaryDirectory
    private let process: ChildProcess

    /// Starts the receiver and waits until it accepts connections.
    /// - Parameters:
    ///   - responses: one token per request in order (`200`, `500`, `429@1`, `sleep:3`, …).
    ///   - then: the token for every request after those.
    init(secret: String, responses: [String] = [], then: String = "200") async throws {
        directory = try TemporaryDirectory(prefix: "haetae-webhook-receiver")
        logPath = directory.file("requests.jsonl")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        port = FreePort.allocate()
        process = try ChildProcess(
            "python3",
            [Self.script, "--port", "\(port)", "--secret", secret, "--log", logPath,
             "--responses", responses.joined(separator: ","), "--then", then],
            outputDirectory: directory.path)
        let port = port
        let process = process
        guard await eventually(timeout: .seconds(10), poll: .milliseconds(20), { FreePort.isAccepting(port: port) || !process.isRunning }),
            process.isRunning
        else {
            throw TestSupportError("receiver.py did not start: \(process.output())")
        }
    }

    var url: String { "http://127.0.0.1:\(port)/hooks" }

    /// Every request recorded so far, in arrival order.
    func requests() -> [Request] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    /// What the receiver printed (for failure messages).
    func output() -> String { process.output() }

    /// Stops the receiver and waits for it to exit.
    func stop() async {
        process.terminate()
        if await process.waitForExit(timeout: .seconds(2)) == nil {
            process.kill()
            _ = await process.waitForExit(timeout: .seconds(2))
        }
    }

    /// Runs `body` with a started receiver and stops it afterwards, whether `body` throws or not.
    static func with<T>(
        responses: [String] = [], then: String = "200", _ body: (ReceiverProcess) async throws -> T
    ) async throws -> T {
        let receiver = try await ReceiverProcess(secret: DispatcherHarness.secret, responses: responses, then: then)
        do {
            let result = try await body(receiver)
            await receiver.stop()
            return result
        } catch {
            await receiver.stop()
            throw error
        }
    }
}
