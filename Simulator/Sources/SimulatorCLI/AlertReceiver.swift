import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import Readings
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

    /// The webhook body through the one alert codec (``Readings/AlertCodec``): what the edge
    /// sends is checked member by member, as the core checks what it stores.
    static func parse(_ body: [UInt8], webhookID: String, receivedAtMicros: Int64) -> AlertVerification.Alert? {
        guard let notice = try? AlertCodec.decodeNotice(body) else { return nil }
        return AlertVerification.Alert(webhookID: webhookID, notice: notice, receivedAtMicros: receivedAtMicros)
    }

    static func wallMicros() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}
