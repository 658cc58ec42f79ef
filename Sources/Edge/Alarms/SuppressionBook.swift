import Clocks
import Foundation
import Logging
import Readings
import Synchronization

/// What this edge must not notify, as it last learned from the core (``AlarmSuppressions``:
/// shelved alarm points and parts out of service): kept in memory for the rule stage, which
/// asks once per alert transition, and in a file beside `alerts.db`, so a restart during a WAN
/// cut keeps the last known shelving. A shelf ends by itself at its `until`, here as at the core.
///
/// Any thread may read it; the poller replaces it.
final class SuppressionBook: Sendable {
    private let state: Mutex<AlarmSuppressions>
    private let lastFetchMillis = Atomic<Int64>(0)
    /// Where the last known suppressions are kept (the codec's bytes); nil keeps nothing.
    let path: String?

    /// Starts from the file at `path` when it holds a document of `site` (else empty, logged).
    init(site: String, path: String?, logger: Logger) {
        var initial = AlarmSuppressions(site: site)
        if let path, let bytes = FileManager.default.contents(atPath: path) {
            do {
                let kept = try AlarmSuppressionsCodec.decode(Array(bytes))
                if kept.site == site { initial = kept } else {
                    logger.warning("kept alarm suppressions are for another site: ignored", metadata: ["path": "\(path)", "site": "\(kept.site)"])
                }
            } catch {
                logger.warning("kept alarm suppressions cannot be read: ignored until the core is reached", metadata: [
                    "path": "\(path)", "error": "\(error)",
                ])
            }
        }
        state = Mutex(initial)
        self.path = path
    }

    /// `suppressions.json` in the directory of `alerts.db`.
    static func path(besideAlerts alertsPath: String) -> String {
        ((alertsPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("suppressions.json")
    }

    /// The suppressions now.
    var current: AlarmSuppressions { state.withLock { $0 } }

    /// When the core last answered (epoch ms; 0: not since start).
    var lastFetchedMillis: Int64 { lastFetchMillis.load(ordering: .relaxed) }

    /// Why an alarm at `point` is not notified now, or nil.
    func reason(for point: AlarmPoint, nowMillis: Int64) -> AlarmSuppressions.Reason? {
        state.withLock { $0.suppression(of: point, nowMillis: nowMillis) }
    }

    /// Takes what the core answered; keeps it in the file when it changed.
    /// - Returns: whether it changed.
    @discardableResult
    func replace(with suppressions: AlarmSuppressions, fetchedAtMillis: Int64) throws -> Bool {
        lastFetchMillis.store(fetchedAtMillis, ordering: .relaxed)
        guard state.withLock({ $0 != suppressions }) else { return false }
        // The file first, then memory: a write that fails (a full disk) leaves both as they were,
        // so the next poll sees the change again and tries again, and a restart never loads a
        // file older than what the edge acted on. Written whole and renamed: a crash leaves the
        // old file or the new one.
        if let path {
            try Data(AlarmSuppressionsCodec.encode(suppressions)).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        state.withLock { $0 = suppressions }
        return true
    }
}
