import Clocks
import Foundation
import MQTT
import Ownership
import Readings
import Spool

/// The MQTT receive path: decodes each message in place into the current hand-off buffer and
/// passes full buffers to the spool writer.
///
/// Runs only on the MQTT loop thread. Per message it does one decode into preallocated
/// columns and a few integer updates: no `Task`, no lock, no heap allocation (rejected
/// messages, the rare case, allocate a sample). Every commit interval, or when the buffer
/// holds `handoffReadings`, the buffer goes to the `HandoffQueue` in one locked operation.
final class IngestHandler: MQTTMessageHandler, @unchecked Sendable {  // confined to the MQTT loop thread once run() starts
    private var decoder: PayloadDecoder
    private var current: Handoff
    private let queue: HandoffQueue
    private let health: EdgeHealth
    private let metrics: EdgeMetrics
    private let commitIntervalNanos: UInt64
    private let handoffReadings: Int
    private var lastHandoffNanos: UInt64 = 0
    private var sawFirstMessage = false
    private static let maxSamplesPerHandoff = 32
    private var idleSweep: IdleSeriesSweep
    /// A new series was refused for room since the last idle sweep check.
    private var refusedForRoom = false
    /// Hazard rules, evaluated on each message's readings right after decoding; nil without rules.
    let rules: RuleStage?
    /// The pair's ownership (heartbeat, session events); nil for a lone edge. Set before `run`.
    var ownership: OwnershipService?
    /// The client this handler runs under (for its counters). Set before `run`.
    var client: MQTTClient?
    private var reportedLeftForRedelivery: UInt64 = 0
    private var reportedDiscarded: UInt64 = 0
    private var reportedUnconfirmed: UInt64 = 0

    init(
        decoder: PayloadDecoder, queue: HandoffQueue, health: EdgeHealth, metrics: EdgeMetrics, commitInterval: Duration,
        handoffReadings: Int, seriesIdle: Duration = .seconds(86_400), rules: RuleStage? = nil
    ) {
        self.rules = rules
        self.idleSweep = IdleSeriesSweep(idle: seriesIdle)
        self.decoder = decoder
        self.queue = queue
        self.health = health
        self.metrics = metrics
        self.commitIntervalNanos = UInt64(commitInterval.nanoseconds)
        self.handoffReadings = handoffReadings
        self.current = Handoff(columns: queue.emptyColumns())
    }

    func handleMessage(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: Int, retained: Bool) {
        // A message flagged retained is the broker replaying a stored value on (re)subscribe,
        // not a new reading: live messages reach a subscriber with the flag cleared. Taking
        // it would store a duplicate after every reconnect (or, without `ts`, a stale value
        // stamped now).
        if retained {
            current.retainedSkipped += 1
            return
        }
        current.messagesReceived += 1
        let now = WallClock.millis()
        if !sawFirstMessage {
            sawFirstMessage = true
            current.firstMessageAtMillis = now
        }
        // The reply a stop command waits for is not a reading (one branch while none waits).
        if let rules, rules.awaitsConfirmation, rules.confirm(topic: topic, payload: payload, atMillis: now) { return }
        let readingsBefore = current.columns.count
        let seriesBefore = current.columns.newSeries.count
        let outcome = decoder.decode(topic: topic, payload: payload, receivedAtMillis: now, into: &current.columns)
        switch outcome {
        case .rejected(let reason):
            current.rejected[reason] += 1
            if reason == .seriesLimit || reason == .deviceSeriesLimit { refusedForRoom = true }
            sample(reason, topic: topic, payload: payload)
        case .accepted:
            rules?.evaluate(current.columns, readingsFrom: readingsBefore, newSeriesFrom: seriesBefore, atMillis: now)
        }
        if current.columns.count >= handoffReadings {
            handOff(nowNanos: MonotonicClock.nanos())
        }
    }

    func handleIdle(nowNanos: UInt64) {
        ownership?.ingestIdle(nowNanos: nowNanos)
        rules?.tick(nowMillis: WallClock.millis(), seriesTable: decoder.seriesTable)
        guard nowNanos &- lastHandoffNanos >= commitIntervalNanos else { return }
        if let client {
            let left = client.messagesLeftForRedelivery, unconfirmed = client.messagesHandedOverUnconfirmed
            if left > reportedLeftForRedelivery {
                metrics.mqttLeftForRedelivery.increment(by: Int64(left - reportedLeftForRedelivery))
                reportedLeftForRedelivery = left
            }
            if unconfirmed > reportedUnconfirmed {
                metrics.mqttHandedOverUnconfirmed.increment(by: Int64(unconfirmed - reportedUnconfirmed))
                reportedUnconfirmed = unconfirmed
            }
            let discarded = client.publishesDiscarded
            if discarded > reportedDiscarded {
                metrics.mqttPublishesDiscarded.increment(by: Int64(discarded - reportedDiscarded))
                reportedDiscarded = discarded
            }
        }
        if current.isEmpty {
            lastHandoffNanos = nowNanos
        } else {
            handOff(nowNanos: nowNanos)
        }
        forgetIdleSeries()
    }

    /// This edge took the site's session over (before the session's first message): the series
    /// the previous active watched become known here (announced to the spool like new series)
    /// and, with its firing alerts, go to the rule engine.
    private func adopt(_ state: HandedOverState) {
        guard let rules else { return }
        var watched: [(id: SeriesID, series: Series, lastSeenMillis: Int64)] = []
        if let watch = state.watch {
            let now = WallClock.millis()
            watched.reserveCapacity(watch.series.count)
            for entry in watch.series {
                let series = Series(site: entry.site, line: entry.line, device: entry.device, sensor: entry.sensor, unit: entry.unit)
                let lastSeen = watch.lastSeen(of: entry, takeoverMillis: now)
                // Refused by the table (full, or a name it does not take): not watched here, counted.
                guard let id = decoder.expect(series, lastSeenMillis: lastSeen, into: &current.columns) else {
                    metrics.alertsNotHandedOver.increment()
                    continue
                }
                watched.append((id, decoder.seriesTable.series(id), lastSeen))
            }
        }
        rules.adopt(state.alerts, watched: watched)
    }

    /// Forgets idle series when ``IdleSeriesSweep`` says so; only between hand-offs (the columns
    /// are empty), so no hand-off mixes ids from before and after the renumbering.
    private func forgetIdleSeries() {
        // Not while the spool writer fails or stalls: the queue merges hand-offs then, which
        // cannot span a renumbering.
        guard current.isEmpty, !queue.isBacklogged else { return }
        let now = WallClock.millis()
        guard let cutoff = idleSweep.cutoff(nowMillis: now, table: decoder.seriesTable, refusedForRoom: refusedForRoom) else {
            return
        }
        refusedForRoom = false
        let forgotten = decoder.forgetSeries(idleBeforeMillis: cutoff, into: &current.columns)
        if forgotten > 0 { rules?.seriesRenumbered(seriesTable: decoder.seriesTable, renumbering: current.columns.renumbering) }
    }

    func handlePublishAcknowledged(mid: Int32) {
        ownership?.sessionPublished(mid: mid)
    }

    func handleConnectionState(_ state: MQTTConnectionState) {
        if let handedOver = ownership?.sessionStateChanged(state) { adopt(handedOver) }
        let connected = state == .connected
        health.update {
            $0.mqttConnected = connected
            $0.mqttDetail = state.description
        }
        metrics.mqttConnected.record(connected ? 1 : 0)
        switch state {
        case .connected: metrics.mqttConnects.increment()
        case .disconnected: metrics.mqttDisconnects.increment()
        case .connecting: break
        }
    }

    /// Hands off whatever is buffered; called once more after the MQTT loop stopped.
    func flush() {
        if !current.isEmpty { handOff(nowNanos: MonotonicClock.nanos()) }
    }

    private func handOff(nowNanos: UInt64) {
        countHandoff()
        let next = Handoff(columns: queue.emptyColumns())
        queue.put(current)  // blocks while the writer is behind: backpressure to the broker
        current = next
        lastHandoffNanos = nowNanos
    }

    /// Counts what this hand-off received, once per hand-off (not per message), here rather
    /// than after the commit, so the figures stay live while the spool cannot be written.
    private func countHandoff() {
        if current.messagesReceived > 0 { metrics.messagesReceived.increment(by: Int64(current.messagesReceived)) }
        if current.retainedSkipped > 0 { metrics.retainedSkipped.increment(by: Int64(current.retainedSkipped)) }
        if !current.columns.isEmpty { metrics.readingsAccepted.increment(by: Int64(current.columns.count)) }
        for (reason, count) in current.rejected.nonZero {
            metrics.messagesRejected[reason]?.increment(by: Int64(count))
        }
        if let first = current.firstMessageAtMillis {
            metrics.firstMessageTimestamp.record(Double(first) / 1_000)
        }
    }

    private func sample(_ reason: RejectReason, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) {
        // Every reject is counted by reason; only the first few of a hand-off are sampled.
        guard current.rejectSamples.count < Self.maxSamplesPerHandoff else { return }
        current.rejectSamples.append(RejectSample(
            reason: reason,
            topic: String(decoding: topic.prefix(256), as: UTF8.self),
            payloadPrefix: Array(payload.prefix(RejectSample.prefixLimit)),
            payloadBytes: payload.count,
            atMillis: WallClock.millis()))
    }
}
