import Foundation
import TestSupport

/// A real `haetae-core run` (SQLite store) on a free loopback port, with one edge token, for
/// tests that forward to the actual core; it can be stopped and started again on the same data.
final class RealCore: @unchecked Sendable {  // used from one test task at a time
    let directory: TemporaryDirectory
    let port: Int
    /// Edge id → bearer token, for every edge the core accepts.
    let tokens: [String: String]
    let edgeID: String
    private let binary: String
    private(set) var child: ChildProcess?

    var url: String { "http://127.0.0.1:\(port)" }

    /// - Parameters:
    ///   - also: more edge ids the core accepts, each with its own token (`token(for:)`).
    ///   - accounts: the core has page accounts (`users.txt`, filled by ``addUser(_:role:password:)``
    ///     before ``start()``), so operators can act on alarms (``act(_:user:password:)``).
    init(edgeID: String = "test-edge", also: [String] = [], accounts: Bool = false) throws {
        directory = try TemporaryDirectory(prefix: "haetae-core")
        port = FreePort.allocate()
        self.edgeID = edgeID
        tokens = Dictionary(uniqueKeysWithValues: ([edgeID] + also).map { ($0, "\($0)-token-\(UUID().uuidString.prefix(12))") })
        binary = try BuiltProducts.executable("haetae-core")
        try tokens.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"\n" }.joined()
            .write(toFile: directory.file("edge-tokens.yaml"), atomically: true, encoding: .utf8)
        try """
            http: {listen: "127.0.0.1:\(port)"}
            storage: {backend: sqlite, path: core.db}
            auth: {edge_tokens_file: edge-tokens.yaml\(accounts ? ", users_file: users.txt" : "")}
            log: {level: info}
            """.write(toFile: directory.file("core.yaml"), atomically: true, encoding: .utf8)
    }

    /// Adds a page account with `haetae-core user add` (bcrypt cost 10: tests log in often).
    func addUser(_ name: String, role: String, password: String) async throws {
        let command = [binary, "user", "add", name, "--role", role, "--file", directory.file("users.txt"), "--password-stdin", "--cost", "10"]
            .map { "'\($0)'" }.joined(separator: " ")
        let process = try ChildProcess("/bin/sh", ["-c", "printf '%s\\n' '\(password)' | \(command) 2>&1"])
        guard await process.waitForExit(timeout: .seconds(60)) == 0 else { throw TestSupportError("user add \(name): \(process.output())") }
    }

    /// Takes an alarm action as `user` does from the page (log in, the session's CSRF token, the
    /// page's Origin): `POST /api/v1/alarms/actions` with `json`; the status and body.
    func act(_ json: String, user: String, password: String) async throws -> (status: Int, body: String) {
        let jar = directory.file("cookies-\(user).txt")
        func curl(_ arguments: [String]) async throws -> (status: Int, body: String) {
            let process = try ChildProcess("curl", ["-sS", "--max-time", "20", "-b", jar, "-c", jar, "-w", "\n%{http_code}", "-H", "Origin: \(url)"] + arguments)
            guard await process.waitForExit(timeout: .seconds(30)) == 0 else { throw TestSupportError("curl: \(process.output())") }
            let text = process.standardOutput()
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }
        let login = try await curl(["-X", "POST", "--data-urlencode", "user=\(user)", "--data-urlencode", "password=\(password)", "\(url)/login"])
        guard login.status == 303 else { throw TestSupportError("login as \(user): \(login.status) \(login.body)") }
        let session = try await curl(["\(url)/api/v1/session"])
        guard let object = try? JSONSerialization.jsonObject(with: Data(session.body.utf8)) as? [String: Any],
            let csrf = object["csrf_token"] as? String
        else { throw TestSupportError("no session: \(session.body)") }
        return try await curl([
            "-X", "POST", "-H", "Content-Type: application/json", "-H", "X-CSRF-Token: \(csrf)", "--data-binary", json,
            "\(url)/api/v1/alarms/actions",
        ])
    }

    /// Starts the core and waits until `/readyz` answers 200.
    func start() async throws {
        let child = try ChildProcess(binary, ["run", "--config", directory.file("core.yaml")], outputDirectory: directory.path)
        self.child = child
        guard await eventually(timeout: .seconds(20), { !child.isRunning || HTTPGet.fetch(port: self.port, path: "/readyz")?.status == 200 }),
            child.isRunning
        else { throw TestSupportError("haetae-core did not become ready: \(child.output())") }
    }

    /// SIGTERM, then the exit status.
    func stop() async -> Int32? {
        guard let child else { return nil }
        child.terminate()
        return await child.waitForExit(timeout: .seconds(20))
    }

    func output() -> String { child?.output() ?? "" }

    /// The first edge's token.
    var token: String { tokens[edgeID]! }

    /// The token of `edge` (the first edge's or one given in `also`).
    func token(for edge: String) -> String { tokens[edge] ?? "" }

    /// Freezes (`SIGSTOP`) or resumes (`SIGCONT`) the core: requests sent meanwhile stay unanswered.
    func freeze(_ frozen: Bool) {
        child?.signal(frozen ? SIGSTOP : SIGCONT)
    }

    /// A metric from `/metrics`.
    func metric(_ name: String, labels: String = "") -> Double? {
        guard let body = HTTPGet.fetch(port: port, path: "/metrics")?.body else { return nil }
        return HTTPGet.metric(name, labels: labels, in: body)
    }

    /// Every device seq stored for the site's series, one entry per stored reading (`GET /api/v1/delivery`).
    func storedSeqs(site: String = "seoul") -> [Int] {
        guard let body = HTTPGet.fetch(port: port, path: "/api/v1/series?site=\(site)")?.body,
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let series = object["series"] as? [[String: Any]]
        else { return [] }
        var seqs: [Int] = []
        for id in series.compactMap({ $0["id"] as? Int }) {
            guard let text = HTTPGet.fetch(port: port, path: "/api/v1/delivery?series=\(id)&from=0&to=9999999999999")?.body,
                let delivery = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                let stored = delivery["seq"] as? [Int]
            else { continue }
            seqs += stored
        }
        return seqs
    }

    /// Readings stored for a site's series, or -1 when the core does not answer.
    func storedReadings(site: String = "seoul") -> Int {
        guard let body = HTTPGet.fetch(port: port, path: "/api/v1/series?site=\(site)")?.body,
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let series = object["series"] as? [[String: Any]]
        else { return -1 }
        return series.reduce(0) { $0 + (($1["count"] as? Int) ?? 0) }
    }
}
