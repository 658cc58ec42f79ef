import Clocks
import CoreStorage
import ConfigFile
import Foundation
import Readings
import Logging
import ServiceLifecycle

/// Drops raw readings older than `retention.raw` and hourly rollups older than
/// `retention.rollup_1h`, every `retention.interval`.
struct RetentionService: Service {
    let store: any ReadingStore
    let retention: CoreConfiguration.Retention
    let metrics: CoreMetrics
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = WallClock.millis()
                do {
                    try await store.applyRetention(
                        rawBefore: now - retention.raw.milliseconds, rollupBefore: now - retention.rollup.milliseconds)
                    metrics.retentionRuns.increment()
                } catch {
                    logger.error("retention failed; trying again next interval", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: retention.interval)
            }
        }
    }
}
