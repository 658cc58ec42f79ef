import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import SimulatorCore
import Synchronization
import Webhooks

/// The simulator's webhook endpoint (`--webhook-listen`): accepts alert notifications from the
/// edge on any path, verifies each Standard Webhooks signature with the shared secret (a bad one
/// is answered 401 and counted, never used), and keeps what arrived for ``AlertMatcher``.
final class AlertReceiver: Sendable {
    private let verifier: WebhookVerifier
    private let received = Mutex<(alerts: [AlertVerification.Alert], badSignatures: Int, malformed: Int)>(([], 0, 0))

    init(secret: WebhookSecret) {
        verifier = WebhookVerifier(secret: secret)
    }

    var alerts: [AlertVerification.Alert] { received.withLock { $0.alerts } }
    var badSignatures: Int { received.withLock { $0.badSignatures } }

    /// Serves until the task is cancelled.
    func serve(host: String, port: Int, tls: TLSConfiguration? = nil, onListening: @escaping @Sendable () -> Void) async throws {
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            // When the request reached this process (ArrivalStampHandler), not when this task ran.
            let now = request.headers[ArrivalStampHandler.headerName].flatMap { Int64($0) } ?? Self.wallMicros()
            do {
                try self.verifier.verify(headers: request.headers.map { (name: $0.name.rawName, value: $0.value) }, body: body)
            } catch {
                self.received.withLock { $0.badSignatures += 1 }
                return Response(status: .unauthorized)
            }
            guard let alert = Self.parse(body, webhookID: request.headers.first { $0.name.rawName.lowercased() == "webhook-id" }?.value ?? "", receivedAtMicros: now) else {
                self.received.withLock { $0.malformed += 1 }
                return Response(status: .badRequest)
            }
            self.received.withLock { $0.alerts.append(alert) }
            return Response(status: .noContent)
        }
        var logger = Logger(label: "haetae.sim.webhooks")
        // The run ends by cancelling this task, which Hummingbird logs as errors; a failure to
        // listen is thrown (and reported) anyway.
        logger.logLevel = .critical
        let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ArrivalStampHandler()]))
        let app = Application(
            router: router, server: try tls.map { try HTTPServerBuilder.tls(http1, tlsConfiguration: $0) } ?? http1,
            configuration: .init(address: .hostname(host, port: port), serverName: "haetae-sim"),
            onServerRunning: { _ in onListening() }, logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }

    private struct Notification: Decodable {
        struct Payload: Decodable {
            var alert_id: String
            var rule: String
            var site: String
            var line: String
            var device: String
            var sensor: String
            var notification: String?
            var status: String
            var started_at: String
            var ended_at: String?
            var reading_ts: Int64?
            var seq: Int64?
        }
        var data: Payload
    }

    static func parse(_ body: [UInt8], webhookID: String, receivedAtMicros: Int64) -> AlertVerification.Alert? {
        guard let notification = try? JSONDecoder().decode(Notification.self, from: Data(body)) else { return nil }
        let data = notification.data
        guard let started = millis(rfc3339: data.started_at) else { return nil }
        return AlertVerification.Alert(
            webhookID: webhookID, alertID: data.alert_id, rule: data.rule, site: data.site, line: data.line, device: data.device,
            sensor: data.sensor, notification: data.notification ?? data.status, startedAtMillis: started,
            endedAtMillis: data.ended_at.flatMap(millis(rfc3339:)),
            readingTsMillis: data.reading_ts, seq: data.seq, receivedAtMicros: receivedAtMicros)
    }

    static func millis(rfc3339 text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1_000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970 * 1_000) }
    }

    static func wallMicros() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}
