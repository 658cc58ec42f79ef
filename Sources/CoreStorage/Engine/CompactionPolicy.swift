import Clocks
public import Logging
import Readings

/// When and how much a store compacts its head into blocks; one policy for both backends
/// (`storage.compaction.…` in the core's config).
public struct CompactionPolicy: Sendable, Equatable {
    /// Compaction starts once the head holds this many readings …
    public var atReadings: Int
    /// … or once its oldest batch is this old (ms), whichever comes first.
    public var afterMillis: Int64
    /// Most readings one compaction round takes (one transaction).
    public var roundReadings: Int
    /// A block is added to until it holds this many readings (an hour at 1 Hz fits one).
    public var blockReadings: Int
    /// Compaction runs by itself in the background (off: only the store's `compact()`).
    public var inBackground: Bool

    public init(
        atReadings: Int = 1_000_000, afterMillis: Int64 = 60_000, roundReadings: Int = 2_000_000, blockReadings: Int = 4_096,
        inBackground: Bool = true
    ) {
        self.atReadings = max(1, atReadings)
        self.afterMillis = max(0, afterMillis)
        self.roundReadings = max(1, roundReadings)
        self.blockReadings = min(max(16, blockReadings), SeriesBlockCodec.maxReadings)
        self.inBackground = inBackground
    }

    /// Whether a head of this size and age is due.
    func isDue(headReadings: Int, oldestStoredAt: Int64?, nowMillis: Int64) -> Bool {
        guard headReadings > 0 else { return false }
        let age = oldestStoredAt.map { nowMillis - $0 } ?? 0
        return headReadings >= atReadings || age >= afterMillis
    }

    /// Starts the background loop (nil when ``inBackground`` is off): four times a second it
    /// checks whether `head` is due, then runs `round` (one compaction round) until a round
    /// finds nothing; a failed round is logged and tried again 5 s later. Cancel the task to stop.
    func startInBackground(
        head: StoreHead, logger: Logger, round: @escaping @Sendable () async throws -> CompactionReport
    ) -> Task<Void, Never>? {
        guard inBackground else { return nil }
        let policy = self
        return Task {
            var pause = Duration.milliseconds(250)
            while !Task.isCancelled {
                try? await Task.sleep(for: pause)
                let size = head.headSize
                guard policy.isDue(headReadings: size.readings, oldestStoredAt: size.oldest, nowMillis: WallClock.millis()) else {
                    pause = .milliseconds(250)
                    continue
                }
                do {
                    let report = try await round()
                    logger.debug("compacted", metadata: [
                        "readings": "\(report.readings)", "batches": "\(report.headRows)", "blocks": "\(report.blocksWritten)",
                        "seconds": "\(report.seconds)",
                    ])
                    // Straight on while there is work; a round that found none (PostgreSQL: the
                    // oldest rows belong to ingests still in flight) waits like an idle check.
                    pause = report.readings > 0 ? .milliseconds(0) : .milliseconds(250)
                } catch {
                    if Task.isCancelled { return }
                    logger.error("compaction failed; the head keeps the readings and it is tried again", metadata: ["error": "\(error)"])
                    pause = .seconds(5)
                }
            }
        }
    }
}
