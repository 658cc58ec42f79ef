import Foundation

/// The Python test receiver (`Receiver/receiver.py`) on a loopback port: it verifies every
/// request with the reference `standardwebhooks` library and records it, with the verdict, as a
/// JSON line. Used by the Webhooks tests and by the edge integration tests. The process is
/// killed when the object goes away.
///
/// ```swift
/// let receiver = try await WebhookReceiverProcess(secret: "whsec_…", responses: ["500"], then: "200")
/// // … point a sender at receiver.url …
/// #expect(receiver.requests().allSatisfy(\.verified))
/// ```
public final class WebhookReceiverProcess: Sendable {
    /// One request as the receiver saw it.
    public struct Request: Decodable, Sendable {
        public var n: Int
        public var at: Double
        public var path: String?
        public var id: String?
        public var timestamp: String?
        public var signature: String?
        public var content_type: String?
        public var user_agent: String?
        public var body: String
        /// Whether `standardwebhooks` accepted the signature, timestamp and id.
        public var verified: Bool
        public var error: String?
        /// The scripted response it got (`200`, `500`, `429@1`, `sleep:3`).
        public var response: String

        /// The body parsed as a JSON object (nil when it is not one).
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    /// The script, found next to this file in the source tree.
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Receiver/receiver.py").path

    public let port: Int
    /// The JSON-lines file the requests are appended to.
    public let logPath: String
    private let directory: TemporaryDirectory
    private let process: ChildProcess

    /// Starts the receiver and waits until it accepts connections.
    /// - Parameters:
    ///   - secret: the `whsec_…` secret it verifies with.
    ///   - responses: one token per request in order (`200`, `500`, `429@1`, `sleep:3`, …).
    ///   - then: the token for every request after those.
    ///   - port: a fixed port (to stand in for an earlier receiver); a free one when nil.
    ///   - logPath: where to append requests (to share one record across receivers); a file of
    ///     its own when nil.
    ///   - tls: serve HTTPS with this certificate and key (``url`` is then `https://`).
    public init(
        secret: String, responses: [String] = [], then: String = "200", port: Int? = nil, logPath: String? = nil,
        tls: (certificate: String, key: String)? = nil
    ) async throws {
        scheme = tls == nil ? "http" : "https"
        directory = try TemporaryDirectory(prefix: "haetae-webhook-receiver")
        self.logPath = logPath ?? directory.file("requests.jsonl")
        if !FileManager.default.fileExists(atPath: self.logPath) {
            _ = FileManager.default.createFile(atPath: self.logPath, contents: nil)
        }
        self.port = port ?? FreePort.allocate()
        process = try ChildProcess(
            "python3",
            [Self.script, "--port", "\(self.port)", "--secret", secret, "--log", self.logPath,
             "--responses", responses.joined(separator: ","), "--then", then]
                + (tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.key] } ?? []),
            outputDirectory: directory.path)
        let port = self.port
        let process = process
        guard await eventually(timeout: .seconds(10), poll: .milliseconds(20), { FreePort.isAccepting(port: port) || !process.isRunning }),
            process.isRunning
        else {
            throw TestSupportError("receiver.py did not start on port \(port): \(process.output())")
        }
    }

    /// `http://127.0.0.1:PORT/hooks` (`https://` when serving TLS).
    public var url: String { "\(scheme)://127.0.0.1:\(port)/hooks" }
    private let scheme: String

    /// Every request recorded so far, in arrival order.
    public func requests() -> [Request] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    /// What the receiver printed (for failure messages).
    public func output() -> String { process.output() }

    public var isRunning: Bool { process.isRunning }

    /// Stops the receiver (SIGTERM, then SIGKILL after 2 s) and waits for it to exit.
    public func stop() async {
        process.terminate()
        if await process.waitForExit(timeout: .seconds(2)) == nil {
            process.kill()
            _ = await process.waitForExit(timeout: .seconds(2))
        }
    }

    /// Runs `body` with a started receiver and stops it afterwards, whether `body` throws or not.
    public static func with<T>(
        secret: String, responses: [String] = [], then: String = "200", _ body: (WebhookReceiverProcess) async throws -> T
    ) async throws -> T {
        let receiver = try await WebhookReceiverProcess(secret: secret, responses: responses, then: then)
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
