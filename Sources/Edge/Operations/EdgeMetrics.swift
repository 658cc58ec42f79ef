public import CoreMetrics
public import Readings
public import Rules

/// Every metric the edge exports, created once through the metrics facade with an explicit
/// factory (nothing global). Updated by the spool writer once per commit, never per message.
public struct EdgeMetrics: Sendable {
    public let messagesReceived: Counter
    public let messagesRejected: [RejectReason: Counter]
    public let readingsAccepted: Counter
    public let retainedSkipped: Counter
    public let readingsSpooled: Counter
    public let batchesSealed: Counter
    /// Readings deleted by `on_full: drop-oldest` (`reason="max_bytes"`) and readings that could
    /// not be written at all (`reason="storage"`: disk full or failing).
    public let spoolDropped: Counter
    public let spoolDroppedStorage: Counter
    public let spoolBytes: Gauge
    /// `spool.max_bytes`, set once at start, so alert rules can judge the fill and its time to full.
    public let spoolCapacityBytes: Gauge
    public let spoolReadings: Gauge
    public let spoolBatches: Gauge
    public let spoolOldestTimestamp: Gauge
    public let spoolFull: Gauge
    public let spoolCommitErrors: Counter
    public let commitDuration: Timer
    public let handoffQueueDepth: Gauge
    public let mqttConnected: Gauge
    public let mqttConnects: Counter
    public let mqttDisconnects: Counter
    /// 1 while this edge holds the site's session (a lone edge always), 0 while it stands by.
    public let edgeActive: Gauge
    /// The epoch of the site's session this edge knows of (pairs only).
    public let ownershipEpoch: Gauge
    /// Times this edge became the active one of its pair.
    public let ownershipTakeovers: Counter
    /// Messages read after the broker had closed the session connection, or after a stall the
    /// broker did not confirm: left for the broker to deliver again (not handled twice).
    public let mqttLeftForRedelivery: Counter
    /// Messages a stall probe held past its bound and handed over unconfirmed: each may also
    /// be handled by the edge that holds the session next (a duplicate, never a loss).
    public let mqttHandedOverUnconfirmed: Counter
    /// QoS 1 publishes (stop commands, alert records, heartbeats) still queued or unacknowledged
    /// when this edge lost the session: dropped, never sent under the next holder.
    public let mqttPublishesDiscarded: Counter
    /// Payloads on the pair's owner and heartbeat topics that were not valid records (ignored).
    public let ownershipBadRecords: Counter
    /// Alert transitions (with their stop commands) this edge did not act on because it did not
    /// hold the site's session: a standby's, or an active's whose lease had lapsed and which then
    /// lost the session (the new active alerts for them).
    public let alertsWithheld: Counter
    /// Firing alerts this edge took over from the previous active when it took the session.
    public let alertsAdopted: Counter
    /// Alert and watch records that could not be handed over (the standby's bounds reached, a
    /// bad record, a publish that failed, a watched series the series table refused): such an
    /// alert fires again after a takeover, such a series is not watched for silence until it reports.
    public let alertsNotHandedOver: Counter
    public let series: Gauge
    /// Series forgotten after `ingest.series_idle` without a reading.
    public let seriesForgotten: Counter
    public let firstMessageTimestamp: Gauge
    public let lastCommitTimestamp: Gauge
    /// Rule evaluations (one rule for one reading or timer), added in bulk from the MQTT thread.
    public let ruleEvaluations: Counter
    /// Time to evaluate the rules for one message, sampled (1 in 64 messages).
    public let ruleEvaluationDuration: Timer
    public let rulesLoaded: Gauge
    public let ruleReloads: [String: Counter]
    public let alertTransitions: [AlertEvent.Kind: Counter]
    public let alertsFiring: [Severity: Gauge]
    public let alertsPending: Gauge
    public let alertStoreErrors: Counter
    /// Alert notifications that could not be kept (alerts.db unwritable and the memory bound reached).
    public let alertsDropped: Counter
    /// Notifications not sent because their rule flooded (``AlertFloodGate``).
    public let alertsSuppressed: Counter
    /// Notifications (and stop commands) not sent because an operator shelved the alarm or took
    /// its device, line or site out of service, by reason (`shelved`, `out_of_service`).
    public let alertsSilenced: [String: Counter]
    /// Alarms that fired while silenced and will not be announced when that ends (more than
    /// ``HeldBackAlarms/maxHeld`` held back at once); still recorded and forwarded.
    public let alertsNotAnnounced: Counter
    /// Alarms that became chattering (damped: they stay firing until clear for the window).
    public let alarmsChattering: Counter
    /// Toggles of chattering alarms held back (no resolve and new firing sent).
    public let alarmTogglesDamped: Counter
    /// What the edge last learned from the core: shelved alarm points and parts out of service.
    public let alarmShelves: Gauge
    public let alarmOutOfService: Gauge
    /// Seconds since the core last answered the suppressions poll (since start when never).
    public let alarmSuppressionsAge: Gauge
    public let alarmSuppressionsFetchFailures: Counter
    /// Stop commands that close the loop, by outcome: `confirmed`, `resent` (no reply within
    /// `within`), `escalated` (none after every retry), `cooldown` (not sent).
    public let stopCommandOutcomes: [String: Counter]
    /// First send → confirming reply.
    public let stopCommandConfirmation: Timer
    public let mqttActionsSent: Counter
    public let mqttActionErrors: Counter
    /// The forwarder (edge → core): batches and readings the core acknowledged.
    public let forwardBatchesSent: Counter
    public let forwardReadingsSent: Counter
    /// Failed batch attempts by reason (`unreachable`, `server_error`, `throttled`, `unauthorized`, `rejected`).
    public let forwardBatchFailures: [String: Counter]
    /// Sealed → acknowledged by the core.
    public let forwardLatency: Timer
    /// Compressed request bytes, every attempt (what crosses the WAN).
    public let forwardBytesSent: Counter
    /// Compressed bytes per reading of the acknowledged batches, since start.
    public let forwardBytesPerReading: Gauge
    /// Sealed batches waiting to be sent, their readings, and the age of the oldest.
    public let forwardBacklogBatches: Gauge
    public let forwardBacklogReadings: Gauge
    public let forwardBacklogOldestAge: Gauge
    /// Batches the core refused (4xx), kept in the spool and retried after a long pause.
    public let forwardBatchesParked: Gauge
    /// Moves to another core URL.
    public let forwardFailovers: Counter
    /// Alert notifications the core acknowledged; failed alert posts by reason; waiting alerts.
    public let forwardAlertsSent: Counter
    public let forwardAlertFailures: [String: Counter]
    public let forwardAlertsBacklog: Gauge
    /// Stop-command records the core acknowledged (for its alarm audit log).
    public let forwardCommandsSent: Counter
    /// Status reports the core took, and those it did not (``StatusReporter``).
    public let statusReports: Counter
    public let statusReportFailures: Counter
    /// Bytes of the status reports the core took (bodies; what the fleet view costs on the WAN).
    public let statusReportBytes: Counter
    /// Alert notifications and command records the core refused as malformed (400, 413), each found by sending a
    /// refused post's notifications one at a time: set aside, not sent again.
    public let forwardAlertsRefused: Counter

    public init(factory: any MetricsFactory) {
        messagesReceived = Counter(label: "haetae_messages_received_total", factory: factory)
        var rejected: [RejectReason: Counter] = [:]
        for reason in RejectReason.allCases {
            rejected[reason] = Counter(label: "haetae_messages_rejected_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        messagesRejected = rejected
        readingsAccepted = Counter(label: "haetae_readings_accepted_total", factory: factory)
        retainedSkipped = Counter(label: "haetae_messages_retained_skipped_total", factory: factory)
        readingsSpooled = Counter(label: "haetae_readings_spooled_total", factory: factory)
        batchesSealed = Counter(label: "haetae_spool_batches_sealed_total", factory: factory)
        spoolDropped = Counter(label: "haetae_spool_dropped_total", dimensions: [("reason", "max_bytes")], factory: factory)
        spoolDroppedStorage = Counter(label: "haetae_spool_dropped_total", dimensions: [("reason", "storage")], factory: factory)
        spoolBytes = Gauge(label: "haetae_spool_bytes", factory: factory)
        spoolCapacityBytes = Gauge(label: "haetae_spool_capacity_bytes", factory: factory)
        spoolReadings = Gauge(label: "haetae_spool_readings", factory: factory)
        spoolBatches = Gauge(label: "haetae_spool_batches", factory: factory)
        spoolOldestTimestamp = Gauge(label: "haetae_spool_oldest_timestamp_seconds", factory: factory)
        spoolFull = Gauge(label: "haetae_spool_full", factory: factory)
        spoolCommitErrors = Counter(label: "haetae_spool_commit_errors_total", factory: factory)
        commitDuration = Timer(label: "haetae_spool_commit_seconds", factory: factory)
        handoffQueueDepth = Gauge(label: "haetae_ingest_queue_depth", factory: factory)
        mqttConnected = Gauge(label: "haetae_mqtt_connected", factory: factory)
        mqttConnects = Counter(label: "haetae_mqtt_connects_total", factory: factory)
        mqttDisconnects = Counter(label: "haetae_mqtt_disconnects_total", factory: factory)
        edgeActive = Gauge(label: "haetae_edge_active", factory: factory)
        ownershipEpoch = Gauge(label: "haetae_ownership_epoch", factory: factory)
        ownershipTakeovers = Counter(label: "haetae_ownership_takeovers_total", factory: factory)
        mqttLeftForRedelivery = Counter(label: "haetae_mqtt_left_for_redelivery_total", factory: factory)
        mqttHandedOverUnconfirmed = Counter(label: "haetae_mqtt_handed_over_unconfirmed_total", factory: factory)
        mqttPublishesDiscarded = Counter(label: "haetae_mqtt_publishes_discarded_total", factory: factory)
        ownershipBadRecords = Counter(label: "haetae_ownership_bad_records_total", factory: factory)
        alertsWithheld = Counter(label: "haetae_alerts_withheld_total", factory: factory)
        alertsAdopted = Counter(label: "haetae_alerts_adopted_total", factory: factory)
        alertsNotHandedOver = Counter(label: "haetae_alerts_not_handed_over_total", factory: factory)
        series = Gauge(label: "haetae_series", factory: factory)
        seriesForgotten = Counter(label: "haetae_series_forgotten_total", factory: factory)
        firstMessageTimestamp = Gauge(label: "haetae_ingest_first_message_timestamp_seconds", factory: factory)
        lastCommitTimestamp = Gauge(label: "haetae_spool_last_commit_timestamp_seconds", factory: factory)
        ruleEvaluations = Counter(label: "haetae_rule_evaluations_total", factory: factory)
        ruleEvaluationDuration = Timer(label: "haetae_rule_evaluation_seconds", factory: factory)
        rulesLoaded = Gauge(label: "haetae_rules_loaded", factory: factory)
        var reloads: [String: Counter] = [:]
        for result in ["ok", "error"] {
            reloads[result] = Counter(label: "haetae_rule_reloads_total", dimensions: [("result", result)], factory: factory)
        }
        ruleReloads = reloads
        var transitions: [AlertEvent.Kind: Counter] = [:]
        for kind in [AlertEvent.Kind.firing, .resolved, .repeat] {
            transitions[kind] = Counter(label: "haetae_alert_notifications_total", dimensions: [("kind", kind.rawValue)], factory: factory)
        }
        alertTransitions = transitions
        var firing: [Severity: Gauge] = [:]
        for severity in Severity.allCases {
            firing[severity] = Gauge(label: "haetae_alerts_firing", dimensions: [("severity", severity.rawValue)], factory: factory)
        }
        alertsFiring = firing
        alertsPending = Gauge(label: "haetae_alerts_pending", factory: factory)
        alertStoreErrors = Counter(label: "haetae_alert_store_errors_total", factory: factory)
        alertsDropped = Counter(label: "haetae_alerts_dropped_total", factory: factory)
        alertsSuppressed = Counter(label: "haetae_alerts_suppressed_total", factory: factory)
        var silenced: [String: Counter] = [:]
        for reason in ["shelved", "out_of_service"] {
            silenced[reason] = Counter(label: "haetae_alerts_silenced_total", dimensions: [("reason", reason)], factory: factory)
        }
        alertsSilenced = silenced
        alertsNotAnnounced = Counter(label: "haetae_alerts_not_announced_total", factory: factory)
        alarmsChattering = Counter(label: "haetae_alarms_chattering_total", factory: factory)
        alarmTogglesDamped = Counter(label: "haetae_alarm_toggles_damped_total", factory: factory)
        alarmShelves = Gauge(label: "haetae_alarm_shelves", factory: factory)
        alarmOutOfService = Gauge(label: "haetae_alarm_out_of_service", factory: factory)
        alarmSuppressionsAge = Gauge(label: "haetae_alarm_suppressions_age_seconds", factory: factory)
        alarmSuppressionsFetchFailures = Counter(label: "haetae_alarm_suppressions_fetch_failures_total", factory: factory)
        var outcomes: [String: Counter] = [:]
        for outcome in ["confirmed", "resent", "escalated", "cooldown"] {
            outcomes[outcome] = Counter(label: "haetae_stop_commands_total", dimensions: [("outcome", outcome)], factory: factory)
        }
        stopCommandOutcomes = outcomes
        stopCommandConfirmation = Timer(label: "haetae_stop_command_confirmation_seconds", factory: factory)
        mqttActionsSent = Counter(label: "haetae_mqtt_actions_sent_total", factory: factory)
        mqttActionErrors = Counter(label: "haetae_mqtt_action_errors_total", factory: factory)
        forwardBatchesSent = Counter(label: "haetae_forward_batches_sent_total", factory: factory)
        forwardReadingsSent = Counter(label: "haetae_forward_readings_sent_total", factory: factory)
        forwardLatency = Timer(label: "haetae_forward_latency_seconds", factory: factory)
        forwardBytesSent = Counter(label: "haetae_forward_bytes_sent_total", factory: factory)
        forwardBytesPerReading = Gauge(label: "haetae_forward_bytes_per_reading", factory: factory)
        forwardBacklogBatches = Gauge(label: "haetae_forward_backlog_batches", factory: factory)
        forwardBacklogReadings = Gauge(label: "haetae_forward_backlog_readings", factory: factory)
        forwardBacklogOldestAge = Gauge(label: "haetae_forward_backlog_oldest_age_seconds", factory: factory)
        forwardBatchesParked = Gauge(label: "haetae_forward_batches_parked", factory: factory)
        forwardFailovers = Counter(label: "haetae_forward_failovers_total", factory: factory)
        forwardAlertsSent = Counter(label: "haetae_forward_alerts_sent_total", factory: factory)
        forwardAlertsBacklog = Gauge(label: "haetae_forward_alerts_backlog", factory: factory)
        forwardCommandsSent = Counter(label: "haetae_forward_commands_sent_total", factory: factory)
        statusReports = Counter(label: "haetae_status_reports_total", dimensions: [("result", "ok")], factory: factory)
        statusReportFailures = Counter(label: "haetae_status_reports_total", dimensions: [("result", "failed")], factory: factory)
        statusReportBytes = Counter(label: "haetae_status_report_bytes_total", factory: factory)
        forwardAlertsRefused = Counter(label: "haetae_forward_alerts_refused_total", factory: factory)
        var batchFailures: [String: Counter] = [:]
        var alertFailures: [String: Counter] = [:]
        for reason in ForwardOutcome.failureReasons {
            batchFailures[reason] = Counter(label: "haetae_forward_batches_failed_total", dimensions: [("reason", reason)], factory: factory)
            alertFailures[reason] = Counter(label: "haetae_forward_alerts_failed_total", dimensions: [("reason", reason)], factory: factory)
        }
        forwardBatchFailures = batchFailures
        forwardAlertFailures = alertFailures
    }
}
