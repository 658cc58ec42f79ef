import AsyncHTTPClient
import Foundation
import Histogram
import Logging
import MQTT
import NIOSSL
import SimulatorCore
import Synchronization
import Webhooks

/// Runs the webhook receiver and the command watcher alongside a simulation, then matches what
/// arrived to the hazards (``AlertMatcher``), with latencies from HdrHistogram.
final class AlertVerifier: Sendable {
    private let receiver: AlertReceiver
    private let server: Task<Void, any Error>
    private let watcher: CommandWatcher?

    private init(receiver: AlertReceiver, server: Task<Void, any Error>, watcher: CommandWatcher?) {
        self.receiver = receiver
        self.server = server
        self.watcher = watcher
    }

    /// Starts listening (and watching commands) and returns once both are ready (at most 10 s).
    /// - Parameter tls: serve the webhooks over HTTPS (the edge then needs the CA in `webhooks.NAME.tls`).
    static func start(
        host: String, port: Int, secret: WebhookSecret, commandFilter: String?, mqtt: MQTTConfiguration, tls: TLSConfiguration? = nil,
        logger: Logger
    ) async throws -> AlertVerifier {
        let receiver = AlertReceiver(secret: secret)
        let listening = Atomic<Bool>(false)
        let server = Task { try await receiver.serve(host: host, port: port, tls: tls, onListening: { listening.store(true, ordering: .relaxed) }) }
        var watcher: CommandWatcher?
        if let commandFilter {
            let commands = try CommandWatcher(configuration: mqtt, filter: commandFilter, logger: logger)
            commands.start()
            watcher = commands
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !listening.load(ordering: .relaxed), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let listens = listening.load(ordering: .relaxed)
        guard listens else {
            server.cancel()
            watcher?.stop()
            throw SimFailure(message: "--webhook-listen \(host):\(port): cannot listen there")
        }
        while let watcher, !watcher.isConnected, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        // Over TLS the edge's first webhook pays its handshake either way; the warm-up is for
        // this process's own first request path only.
        if tls == nil { await warmUp(host: host, port: port) }
        return AlertVerifier(receiver: receiver, server: server, watcher: watcher)
    }

    /// One GET to the receiver itself before anything is published, so the first alert is not
    /// timed with the receiver's cold paths (first accept, channel pipeline, router): seen adding
    /// 3–13 ms to a run's first webhook. Only POSTs are alerts: this one answers 404 and counts
    /// as nothing.
    private static func warmUp(host: String, port: Int) async {
        let loopback = host == "0.0.0.0" || host == "::" || host == "[::]" ? "127.0.0.1" : host
        let authority = loopback.contains(":") && !loopback.hasPrefix("[") ? "[\(loopback)]" : loopback
        let request = HTTPClientRequest(url: "http://\(authority):\(port)/warm-up")
        if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) {
            _ = try? await response.body.collect(upTo: 1 << 16)
        }
    }

    /// Waits (at most `wait` seconds) until every hazard has its alert, then stops and matches.
    /// - Parameter publishedAt: when a device's reading was published (wall µs), by `site/line/device` and seq.
    func finish(
        hazards: [AlertVerification.Hazard], wait: Double, grace: Double, publishingEndedMillis: Int64? = nil,
        publishedAt: @escaping @Sendable (AlertVerification.Alert) -> Int64? = { _ in nil }
    ) async -> AlertVerification {
        let graceMillis = Int64(grace * 1_000)
        let deadline = ContinuousClock.now + .milliseconds(Int64(wait * 1_000))
        while ContinuousClock.now < deadline {
            let result = verify(hazards: hazards, graceMillis: graceMillis, publishingEndedMillis: publishingEndedMillis, publishedAt: publishedAt)
            if result.detected == result.hazards { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        // Let notifications already on their way land.
        try? await Task.sleep(for: .milliseconds(300))
        watcher?.stop()
        server.cancel()
        return verify(hazards: hazards, graceMillis: graceMillis, publishingEndedMillis: publishingEndedMillis, publishedAt: publishedAt)
    }

    private func verify(
        hazards: [AlertVerification.Hazard], graceMillis: Int64, publishingEndedMillis: Int64?,
        publishedAt: @escaping @Sendable (AlertVerification.Alert) -> Int64?
    ) -> AlertVerification {
        AlertMatcher.verify(
            hazards: hazards, alerts: receiver.alerts, commands: watcher?.received ?? [], badSignatures: receiver.badSignatures,
            graceMillis: graceMillis,
            publishedAtMicros: publishedAt, publishingEndedMillis: publishingEndedMillis,
            latency: Self.percentiles)
    }

    /// Microsecond latencies → millisecond percentiles (HdrHistogram, 3 significant digits).
    static func percentiles(_ micros: [Int64]) -> AlertVerification.Latency? {
        guard !micros.isEmpty else { return nil }
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for value in micros { _ = histogram.record(UInt64(max(0, value))) }
        func ms(_ value: UInt64) -> Double { (Double(value) / 1_000 * 1_000).rounded() / 1_000 }
        return AlertVerification.Latency(
            count: micros.count, p50: ms(histogram.valueAtPercentile(50)), p90: ms(histogram.valueAtPercentile(90)),
            p99: ms(histogram.valueAtPercentile(99)), max: ms(histogram.maxRecorded))
    }
}
