import Foundation
public import Logging
public import MQTT

/// Where and how to publish (the `haetae-sim run` options).
public struct SimulationSettings: Sendable {
    public var mqtt: MQTTConfiguration
    public var connections: Int
    public var qos: Int
    /// QoS 1 messages awaiting PUBACK per connection.
    public var window: Int
    /// Target messages per second over all connections (0 = flat out).
    public var messageRate: Double
    /// Stop after this many readings over all connections (`Int64.max` = no limit).
    public var readingLimit: Int64
    public var duration: Duration
    /// Drop each connection abruptly this often (staggered over the connections); `nil` = never.
    public var disconnectEvery: Duration?
    /// Devices whose publish times are kept per reading (``ConnectionTally/publishedAt``).
    public var watchedDevices: Set<Int> = []
    /// Keep a ``DeliveryLedger`` per device (``ConnectionTally/delivery``), for `--verify-core`.
    public var tracksDelivery = false
    /// One broker login per connection (a device's or a line gateway's identity), used as given
    /// (client id included) instead of `mqtt` with `-N` appended; `connections` must match.
    public var identities: [MQTTConfiguration]?

    public init(
        mqtt: MQTTConfiguration, connections: Int, qos: Int, window: Int = 1_000, messageRate: Double, readingLimit: Int64,
        duration: Duration, disconnectEvery: Duration? = nil
    ) {
        self.mqtt = mqtt
        self.connections = connections
        self.qos = qos
        self.window = window
        self.messageRate = messageRate
        self.readingLimit = readingLimit
        self.duration = duration
        self.disconnectEvery = disconnectEvery
    }
}

/// Runs the publisher connections, each on its own thread, until they stop by themselves.
public final class SimulationRunner<Source: MessageSource>: Sendable {
    private let connections: [PublisherConnection<Source>]
    private let devices: Int
    public let startNanos: UInt64

    /// - Parameter source: builds the share of connection `index` (of `count`).
    public init(settings: SimulationSettings, devices: Int, logger: Logger, source: (_ index: Int, _ count: Int) throws -> Source) throws {
        let count = max(1, settings.connections)
        startNanos = Self.monotonicNanos()
        let deadline = startNanos &+ UInt64(max(0, Double(settings.duration.components.seconds) + Double(settings.duration.components.attoseconds) * 1e-18) * 1e9)
        let shares = try (0..<count).map { try source($0, count) }
        let limits = Self.split(settings.readingLimit, by: shares.map { $0.shareOfReadings ?? 1 / Double(count) })
        var connections: [PublisherConnection<Source>] = []
        for (index, share) in shares.enumerated() {
            var mqtt = settings.mqtt
            mqtt.clientID = "\(settings.mqtt.clientID)-\(index)"
            if let identities = settings.identities, index < identities.count { mqtt = identities[index] }
            mqtt.subscriptions = []
            mqtt.maxInflightPublishes = settings.window
            // Each connection is paced at its own devices' rate, so shares of unequal size
            // (mixed payload shapes) still add up to the target.
            let fraction = share.shareOfMessages ?? 1 / Double(count)
            // Disconnects are staggered so the connections do not all drop at once.
            let firstDrop = settings.disconnectEvery.map { $0 * (Double(index + 1) / Double(count)) }
            connections.append(try PublisherConnection(
                configuration: mqtt, source: share, devices: devices,
                rate: settings.messageRate * fraction, qos: settings.qos, window: settings.window,
                readingLimit: limits[index], deadlineNanos: deadline,
                disconnectEvery: settings.disconnectEvery, firstDisconnect: firstDrop, watchedDevices: settings.watchedDevices, tracksDelivery: settings.tracksDelivery,
                logger: logger))
        }
        self.connections = connections
        self.devices = devices
    }

    /// Publishes until every connection is done; `progress` is called about once a second.
    public func run(progress: @escaping @Sendable (ConnectionTally, Duration) -> Void = { _, _ in }) async -> ConnectionTally {
        let tallies = await withTaskGroup(of: ConnectionTally.self) { group in
            for connection in connections {
                group.addTask {
                    await withCheckedContinuation { (continuation: CheckedContinuation<ConnectionTally, Never>) in
                        let thread = Thread { continuation.resume(returning: connection.run()) }
                        thread.name = "haetae-sim-publisher"
                        thread.start()
                    }
                }
            }
            group.addTask { [connections, startNanos] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    var total = ConnectionTally(devices: 0)
                    for connection in connections { total.merge(connection.progress) }
                    progress(total, .nanoseconds(Int64(Self.monotonicNanos() &- startNanos)))
                }
                return ConnectionTally(devices: 0)
            }
            var results: [ConnectionTally] = []
            for await tally in group {
                results.append(tally)
                if results.count == connections.count { group.cancelAll() }
            }
            return results
        }
        var total = ConnectionTally(devices: devices)
        for tally in tallies where tally.readingsByDevice.count == devices { total.merge(tally) }
        return total
    }

    /// Stops every connection (SIGINT); each finishes its acks and returns.
    public func stop() {
        for connection in connections { connection.stop() }
    }

    /// Splits a reading limit over the connections in proportion to their shares, so the
    /// parts add up exactly (`Int64.max` stays unlimited for all).
    static func split(_ limit: Int64, by fractions: [Double]) -> [Int64] {
        guard limit != .max else { return fractions.map { _ in .max } }
        let total = fractions.reduce(0, +)
        let weights = total > 0 ? fractions.map { $0 / total } : fractions.map { _ in 1 / Double(fractions.count) }
        var parts = weights.map { Int64((Double(limit) * $0).rounded(.down)) }
        var left = limit - parts.reduce(0, +)
        var index = 0
        while left > 0 {
            parts[index % parts.count] += 1
            left -= 1
            index += 1
        }
        return parts
    }

    static func monotonicNanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
