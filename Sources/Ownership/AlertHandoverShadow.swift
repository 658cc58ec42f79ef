/// What a standby knows of the active's firing alerts: the latest ``HandedOverAlert`` of every
/// alert id seen on `haetae/<site>/alerts/+`, without the ones cleared since. Pure: the edge's
/// ownership service feeds it the messages of its own connection and takes ``alerts`` when it
/// takes the session over.
///
/// Bounded in count and bytes (a flood of alerts, or anyone publishing there): beyond either,
/// new ids are refused and counted; an alert refused here fires again after a takeover, which
/// is the behaviour without a handover.
public struct AlertHandoverShadow: Sendable {
    /// Most alerts kept.
    public let maxAlerts: Int
    /// Most payload bytes kept, all alerts together.
    public let maxBytes: Int

    public enum Outcome: Equatable, Sendable {
        case kept
        /// An empty payload: the alert resolved (or was never known).
        case cleared
        /// A record from an older epoch than the one already kept for this alert: an old
        /// active's message resent late. The newer one stays.
        case older
        /// The bounds are reached: a new alert id was refused.
        case full
        case bad(SiteRecordError)
    }

    private var byID: [String: (alert: HandedOverAlert, bytes: Int)] = [:]
    private var bytes = 0

    public init(maxAlerts: Int = 10_000, maxBytes: Int = 16 * 1_024 * 1_024) {
        self.maxAlerts = maxAlerts
        self.maxBytes = maxBytes
    }

    /// One retained or live message on an alert topic of the site.
    public mutating func received(alertID: String, payload: some Collection<UInt8>) -> Outcome {
        guard !payload.isEmpty else {
            if let old = byID.removeValue(forKey: alertID) { bytes -= old.bytes }
            return .cleared
        }
        let alert: HandedOverAlert
        do {
            alert = try HandedOverAlertCodec.decode(payload, topicAlertID: alertID)
        } catch {
            return .bad(error)
        }
        let previous = byID[alertID]
        if let previous, previous.alert.epoch > alert.epoch { return .older }
        let grown = bytes - (previous?.bytes ?? 0) + payload.count
        guard previous != nil || byID.count < maxAlerts, grown <= maxBytes else { return .full }
        byID[alertID] = (alert, payload.count)
        bytes = grown
        return .kept
    }

    /// Every alert kept, oldest first.
    public var alerts: [HandedOverAlert] {
        byID.values.map(\.alert).sorted { ($0.sinceMillis, $0.alertID) < ($1.sinceMillis, $1.alertID) }
    }

    public var count: Int { byID.count }
}
