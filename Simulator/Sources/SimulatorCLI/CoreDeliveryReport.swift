import SimulatorCore
import SimulatorEngine

/// The `core` section of the report (`--verify-core`): what the core stored of this run.
struct CoreDeliveryReport: Encodable {
    var url: String
    /// Seconds spent after publishing waiting for the core to catch up.
    var waitedS: Double
    /// Whether the core reached the published count before the wait ended.
    var caughtUp: Bool
    var sent: Int64
    var stored: Int64
    var lost: Int64
    var duplicated: Int64
    var unexpected: Int64
    /// The span in which the lost readings were first published (wall-clock ms), when any were.
    var lostPublishedFirstMillis: Int64?
    var lostPublishedLastMillis: Int64?
    /// Messages the scenario sent twice on purpose (their copies count in `sent`).
    var injectedDuplicates: Int64
    var perDevice: [String: DeliveryCheck.Result]
    /// Device publish → stored in the core (the core's store time), per stored reading.
    var publishToStored: AlertVerification.Latency?

    enum CodingKeys: String, CodingKey {
        case url, sent, stored, lost, duplicated, unexpected
        case lostPublishedFirstMillis = "lost_published_first_ms"
        case lostPublishedLastMillis = "lost_published_last_ms"
        case waitedS = "waited_s"
        case caughtUp = "caught_up"
        case injectedDuplicates = "injected_duplicates"
        case perDevice = "per_device"
        case publishToStored = "publish_to_stored_ms"
    }

    /// Nothing lost, nothing stored twice, nothing that was not sent.
    var isExact: Bool { lost == 0 && duplicated == 0 && unexpected == 0 }
}
