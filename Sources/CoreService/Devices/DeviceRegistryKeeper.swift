import CoreStorage
import Logging
import ServiceLifecycle

/// Keeps the device registry in the store: first, once the store answers (PostgreSQL may still
/// be starting), restores the records kept before a restart; then every `interval` stores the
/// records that changed, and once more when the core shuts down. A crash loses at most
/// `interval` of changes (the last sightings and gaps of that time), never a device.
struct DeviceRegistryKeeper: Service {
    let registry: DeviceRegistry
    let store: any ReadingStore
    let logger: Logger
    var interval: Duration = .seconds(30)
    /// How often to ask a store that did not answer yet.
    var retry: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let stored = try await store.devices()
                    let records = stored.compactMap(DeviceRecordCodec.decode)
                    if records.count < stored.count {
                        logger.warning("stored device records that cannot be read are skipped", metadata: ["count": "\(stored.count - records.count)"])
                    }
                    registry.restore(records)
                    break
                } catch {
                    try? await Task.sleep(for: retry)
                }
            }
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await keep()
            }
        }
        // Shutting down: what changed since the last round.
        await keep()
    }

    /// Stores what changed; on failure marks it changed again for the next round.
    func keep() async {
        let changed = registry.takeChanged()
        guard !changed.isEmpty else { return }
        do {
            try await store.record(devices: changed.map(DeviceRecordCodec.encode))
        } catch {
            registry.markChanged(changed.map(\.key))
            logger.warning("the device registry could not be kept in the store; tried again later", metadata: ["devices": "\(changed.count)", "error": "\(error)"])
        }
    }
}
