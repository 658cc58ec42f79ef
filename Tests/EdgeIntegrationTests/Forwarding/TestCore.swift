import CompressNIO
import Foundation
import Hummingbird
import Logging
import Readings
import ServiceLifecycle
import Synchronization
import TestSupport

/// A stand-in for haetae-core's ingest API, honest to the batch contract (DESIGN §3.4, §3.5):
/// a real HTTP server (Hummingbird) on a loopback port that checks the bearer token (401),
/// gunzips, decodes with `BatchCodec.decode` (400 when it cannot), checks the
/// `Idempotency-Key`, stores each (edge, spool, seq) once and answers 200 to a repeat. Batches that
/// name series by the edge's dictionary are resolved with ``SeriesDictionary`` (kept per edge
/// and dictionary; 409 for unknown keys, as the core answers) and stored inline. Alerts
/// (`POST /api/v1/alerts`) are stored once by (edge, alert_id, notification, at).
///
/// A test can make it fail: answer a status (503) before storing, hang without storing, store
/// and then hang (the edge never sees the 200 and must send a repeat), or stop listening.
final class TestCore: Sendable {
    enum Failure: Sendable, Equatable {
        case none
        /// Answers this status without storing.
        case status(Int)
        /// Holds the request without an answer (until the client gives up or the core stops).
        case hang
        /// Stores the batch, then holds the answer: the edge sees a timeout for a stored batch.
        case storeThenHang
        /// Answers 200 with an HTML page without storing, as a captive portal or a wrong URL would.
        case foreign
    }

    struct StoredBatch: Sendable {
        var batch: Batch
        var compressedBytes: Int
        var rawBytes: Int
        var storedAt: ContinuousClock.Instant
        /// Series the request defined (`defs`, for a batch naming series by dictionary).
        var definitions: Int = 0
    }

    struct StoredAlert: Sendable {
        var alertID: String
        var notification: String
        var at: String
        var rule: String
        var storedAt: ContinuousClock.Instant
        /// Readings stored when this alert arrived.
        var readingsStoredBefore: Int
    }

    struct State: Sendable {
        var failure = Failure.none
        /// Posts with an alert of this device are refused (400), as a core refuses a malformed one.
        var refusedAlertDevice: String?
        var batches: [String: StoredBatch] = [:]
        var storeOrder: [String] = []
        var readingsStored = 0
        var repeats = 0
        var unauthorized = 0
        var badRequests = 0
        var failed = 0
        var alerts: [String: StoredAlert] = [:]
        /// Edge dictionaries by "edge:dict".
        var dictionaries: [String: SeriesDictionary] = [:]
        /// 409 answers for unknown series keys.
        var unknownSeries = 0
        /// Definitions received (series named in `defs`), to measure what the edge resends.
        var definitionsReceived = 0
        var alertRepeats = 0
        var gzipAlerts = 0
        /// Stop-command records by their key, as the core files them once each.
        var commands: [Int64: CommandAttempt] = [:]
        var commandRepeats = 0
    }

    let port: Int
    let token: String
    private let state = Mutex(State())
    private let server = Mutex<(group: ServiceGroup, task: Task<Void, any Error>)?>(nil)
    /// Set while stopping: held requests end (answered 503) so the server can close.
    private let stopping = Atomic<Bool>(false)

    init(port: Int = FreePort.allocate(), token: String = "edge-token-\(UUID().uuidString.prefix(8))") {
        self.port = port
        self.token = token
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts listening (again, on the same port) and returns once it accepts connections.
    func start() async throws {
        let (running, runningContinuation) = AsyncStream.makeStream(of: Void.self)
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "test-core"),
            onServerRunning: { _ in runningContinuation.yield() })
        stopping.store(false, ordering: .relaxed)
        // Stopped by a graceful shutdown of its own group: cancelling a Hummingbird server while
        // a connection is being accepted trips an assertion in NIO.
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test-core")))
        let task = Task { try await group.run() }
        server.withLock { $0 = (group, task) }
        let started = await withTaskGroup(of: Bool.self) { group in
            group.addTask { for await _ in running { return true }; return false }
            group.addTask { try? await Task.sleep(for: .seconds(10)); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard started else {
            await group.triggerGracefulShutdown()
            throw TestSupportError("test core did not start on port \(port)")
        }
    }

    /// Stops listening; requests held by `hang` are answered 503 and the server closes.
    func stop() async {
        guard let (group, task) = server.withLock({ server in defer { server = nil }; return server }) else { return }
        stopping.store(true, ordering: .relaxed)
        await group.triggerGracefulShutdown()
        _ = await task.result
        _ = await eventually(timeout: .seconds(5)) { !FreePort.isAccepting(port: self.port) }
    }

    /// Answers 400 to any alert post with an alert of `device` (nil: none).
    func refuseAlerts(ofDevice device: String?) {
        state.withLock { $0.refusedAlertDevice = device }
    }

    func fail(_ failure: Failure) {
        state.withLock { $0.failure = failure }
    }

    var snapshot: State { state.withLock { $0 } }

    /// The device `seq` of every reading stored, over all batches (-1 where a device sent none).
    func deviceSeqs() -> [Int64] {
        snapshot.batches.values.flatMap { $0.batch.deviceSeq }
    }

    // MARK: - HTTP

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/api/v1/batches") { request, _ in
            try await self.receiveBatch(request)
        }
        router.post("/api/v1/alerts") { request, _ in
            try await self.receiveAlerts(request)
        }
        router.get("/healthz") { _, _ in "ok" }
        return router
    }

    private func receiveBatch(_ request: Request) async throws -> Response {
        var request = request
        let failure = state.withLock { $0.failure }
        if case .status(let status) = failure {
            state.withLock { $0.failed += 1 }
            return Self.error(HTTPResponse.Status(code: status), "unavailable", "told to fail")
        }
        if failure == .hang { return try await hold() }
        if failure == .foreign { return Self.foreignPage() }
        guard request.headers[.authorization] == "Bearer \(token)" else {
            state.withLock { $0.unauthorized += 1 }
            return Self.error(.unauthorized, "unauthorized", "bad or missing bearer token")
        }
        let compressed = try await request.collectBody(upTo: 64 << 20)
        let raw: [UInt8]
        do {
            raw = try Self.body(compressed, encoding: request.headers[.contentEncoding])
        } catch {
            return bad("cannot gunzip: \(error)")
        }
        let batch: Batch
        do {
            batch = try BatchCodec.decode(raw)
        } catch {
            return bad("not a batch: \(error)")
        }
        let key = batch.idempotencyKey
        guard request.headers.first(where: { $0.name.canonicalName == "idempotency-key" })?.value == key else {
            return bad("Idempotency-Key does not match the batch (\(key))")
        }
        let result = state.withLock { state -> Result<Bool, SeriesDictionary.Failure> in
            state.definitionsReceived += batch.seriesKeys.count
            guard state.batches[key] == nil else {
                state.repeats += 1
                return .success(false)
            }
            var inline = batch
            if let dictionary = batch.dictionary {
                let name = "\(batch.edge):\(dictionary)"
                var known = state.dictionaries[name] ?? SeriesDictionary(id: dictionary)
                do throws(SeriesDictionary.Failure) {
                    inline = try known.inline(batch)
                } catch {
                    return .failure(error)
                }
                state.dictionaries[name] = known
            }
            state.batches[key] = StoredBatch(
                batch: inline, compressedBytes: compressed.readableBytes, rawBytes: raw.count, storedAt: .now,
                definitions: batch.seriesKeys.count)
            state.storeOrder.append(key)
            state.readingsStored += batch.count
            return .success(true)
        }
        let isNew: Bool
        switch result {
        case .success(let stored): isNew = stored
        case .failure(.unknownKeys(let keys)):
            state.withLock { $0.unknownSeries += 1 }
            return Self.error(.conflict, "unknown_series", "\(keys.count) unknown series keys")
        case .failure(let failure):
            return bad("\(failure)")
        }
        if failure == .storeThenHang { return try await hold() }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: isNew ? #"{"status":"stored","readings":\#(batch.count)}"# : #"{"status":"duplicate"}"#)))
    }

    /// Forgets every edge dictionary, as a core restored from a backup taken before they were
    /// defined would.
    func forgetDictionaries() {
        state.withLock { $0.dictionaries.removeAll() }
    }

    private func receiveAlerts(_ request: Request) async throws -> Response {
        var request = request
        let failure = state.withLock { $0.failure }
        if case .status(let status) = failure {
            return Self.error(HTTPResponse.Status(code: status), "unavailable", "told to fail")
        }
        if failure == .hang { return try await hold() }
        if failure == .foreign { return Self.foreignPage() }
        guard request.headers[.authorization] == "Bearer \(token)" else {
            state.withLock { $0.unauthorized += 1 }
            return Self.error(.unauthorized, "unauthorized", "bad or missing bearer token")
        }
        let body = try await request.collectBody(upTo: 16 << 20)
        let gzipped = request.headers[.contentEncoding] == "gzip"
        // Through the one alert codec, as the real core reads them.
        guard let raw = try? Self.body(body, encoding: request.headers[.contentEncoding]) else {
            return bad(#"expected {"edge":…,"alerts":[…]}"#)
        }
        let post: AlertPost
        do {
            post = try AlertCodec.decodePost(raw)
        } catch {
            return bad(error.description)
        }
        if let refused = state.withLock({ $0.refusedAlertDevice }),
            let index = post.notices.firstIndex(where: { $0.alert.device == refused }) {
            return bad("alerts[\(index)].device: refused by the test")
        }
        let parsed: [(String, StoredAlert)] = post.notices.map { notice in
            let at = RFC3339.format(millis: notice.atMillis)
            return ("\(post.edge):\(notice.alert.id):\(notice.kind.rawValue):\(at)", StoredAlert(
                alertID: notice.alert.id, notification: notice.kind.rawValue, at: at, rule: notice.alert.rule, storedAt: .now,
                readingsStoredBefore: 0))
        }
        state.withLock { state in
            if gzipped { state.gzipAlerts += 1 }
            for (key, var alert) in parsed {
                if state.alerts[key] != nil { state.alertRepeats += 1; continue }
                alert.readingsStoredBefore = state.readingsStored
                state.alerts[key] = alert
            }
            for command in post.commands {
                if state.commands.updateValue(command, forKey: command.key) != nil { state.commandRepeats += 1 }
            }
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"stored","alerts":\#(parsed.count),"commands":\#(post.commands.count)}"#)))
    }

    private func hold() async throws -> Response {
        let deadline = ContinuousClock.now + .seconds(60)
        while !stopping.load(ordering: .relaxed), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return Self.error(.serviceUnavailable, "unavailable", "held")
    }

    private func bad(_ message: String) -> Response {
        state.withLock { $0.badRequests += 1 }
        return Self.error(.badRequest, "bad_request", message)
    }

    private static func body(_ buffer: ByteBuffer, encoding: String?) throws -> [UInt8] {
        var buffer = buffer
        switch encoding?.lowercased() {
        case nil, "identity": return Array(buffer: buffer)
        case "gzip": return Array(buffer: try buffer.decompress(with: .gzip()))
        default: throw TestSupportError("unsupported Content-Encoding \(encoding ?? "")")
        }
    }

    private static func foreignPage() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html"],
            body: .init(byteBuffer: ByteBuffer(string: "<html><body>Welcome to the plant guest network. Accept the terms to continue.</body></html>")))
    }

    private static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        let body = try! JSONSerialization.data(withJSONObject: ["error": ["code": code, "message": message]])
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
