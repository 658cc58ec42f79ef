import Foundation
import Readings
import TestSupport
import Testing

/// A real `haetae-core run` process with its own config, SQLite store and port, for one test.
final class CoreProcess: @unchecked Sendable {  // used from one test task at a time
    let directory: TemporaryDirectory
    let configPath: String
    let port: Int
    let binary: String
    private(set) var child: ChildProcess?
    static let tokens = [
        "seoul-a": "seoul-a-token-0123456789", "gwangju-a": "gwangju-a-token-0123456789", "gwangju-b": "gwangju-b-token-0123456789",
    ]

    /// Writes `core.yaml` and `edge-tokens.yaml`; `extra` lines are appended to the config.
    /// `storage` lines go under `storage:`, after `backend` (SQLite `core.db` unless `backend` says otherwise).
    init(http: String = "", backend: String = "backend: sqlite\npath: core.db", storage: String = "", auth: String = "", extra: String = "") throws {
        directory = try TemporaryDirectory(prefix: "haetae-core")
        configPath = directory.file("core.yaml")
        port = FreePort.allocate()
        binary = try BuiltProducts.executable("haetae-core")
        // seoul-a and gwangju-a may write their own site; gwangju-b has the older, any-site form.
        try Self.tokens.sorted { $0.key < $1.key }.map { edge, token in
            edge == "gwangju-b" ? "\(edge): \"\(token)\"" : "\(edge): {token: \"\(token)\", sites: [\(edge.split(separator: "-")[0])]}"
        }.joined(separator: "\n").write(toFile: directory.file("edge-tokens.yaml"), atomically: true, encoding: .utf8)
        let config = """
            http:
              listen: "127.0.0.1:\(port)"
            \(http.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            storage:
            \(backend.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            \(storage.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            auth:
              edge_tokens_file: edge-tokens.yaml
            \(auth.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            log: {level: info}
            \(extra)
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts the core and (unless `waitReady` is false) waits until `/readyz` answers 200.
    func start(waitReady: Bool = true) async throws {
        let child = try ChildProcess(binary, ["run", "--config", configPath], outputDirectory: directory.path)
        self.child = child
        guard waitReady else { return }
        let ready = await eventually(timeout: .seconds(20), poll: .milliseconds(20)) {
            !child.isRunning || HTTPGet.fetch(port: port, path: "/readyz")?.status == 200
        }
        guard ready, child.isRunning else { throw TestSupportError("haetae-core did not become ready: \(child.output())") }
    }

    @discardableResult
    func stop() async -> Int32? {
        guard let child else { return nil }
        child.terminate()
        let status = await child.waitForExit(timeout: .seconds(20))
        if status == nil { child.kill() }
        return status
    }

    func kill() async {
        child?.kill()
        _ = await child?.waitForExit(timeout: .seconds(10))
    }

    func output() -> String { child?.output() ?? "" }

    /// POSTs a batch as an edge would (gzip unless told otherwise).
    func post(_ batch: Batch, token: String? = nil, gzip: Bool = true, headers: [(String, String)] = []) throws -> HTTPGet.Response? {
        let json = BatchCodec.encode(batch)
        let body = gzip ? try Gzip.compress(json) : json
        var all: [(String, String)] = [("Content-Type", "application/json")]
        if !headers.contains(where: { $0.0.lowercased() == "idempotency-key" }) { all.append(("Idempotency-Key", batch.idempotencyKey)) }
        if gzip { all.append(("Content-Encoding", "gzip")) }
        if let token = token ?? Self.tokens[batch.edge] { all.append(("Authorization", "Bearer \(token)")) }
        return HTTPRequest.send(port: port, path: "/api/v1/batches", headers: all + headers, body: body)
    }

    func get(_ path: String) -> HTTPGet.Response? { HTTPGet.fetch(port: port, path: path) }

    func json(_ path: String) throws -> [String: Any] {
        let response = try #require(get(path))
        guard response.status == 200 else { throw TestSupportError("GET \(path): \(response.status) \(response.body)") }
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
    }
}

/// gzip through the system's `gzip` (tests only).
enum Gzip {
    static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        let directory = try TemporaryDirectory(prefix: "haetae-gzip")
        let path = directory.file("body")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-kf", path]
        try process.run()
        process.waitUntilExit()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
    }
}
