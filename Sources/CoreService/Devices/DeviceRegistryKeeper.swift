import CoreStorage
import Logging
import ServiceLifecycle

/// Keeps the device registry in the store: first, once the store answers (PostgreSQL may still
/// be starting), restores the records kept before a restart; then every `interval` stores the
/// records that changed, in transactions of at most ``chunk`` (ingest goes on between them), and
/// once more when the core shuts down. A marker row says whether the core stopped cleanly: after
/// a crash the records may miss up to `interval` of changes, and each device's next number
/// re-anchors its count rather than counting messages stored meanwhile as missing.
struct DeviceRegistryKeeper: Service {
    let registry: DeviceRegistry
    let store: any ReadingStore
    let logger: Logger
    var interval: Duration = .seconds(60)
    /// How often to ask a store that did not answer yet.
    var retry: Duration = .seconds(1)
    /// Records per store call (one transaction).
    static let chunk = 1_000

    func run() async throws {
        let restored = await cancelWhenGracefulShutdown { () async -> Bool in
            var restored = false
            while !Task.isCancelled, !restored {
                do {
                    try await restore()
                    restored = true
                } catch {
                    try? await Task.sleep(for: retry)
                }
            }
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                _ = await keep()
            }
            return restored
        }
        // Shutting down: what changed since the last round, then the clean-stop marker.
        guard restored, await keep() else { return }
        try? await store.record(devices: [DeviceRecordCodec.shutdownMarker(clean: true)])
    }

    private func restore() async throws {
        let stored = try await store.devices()
        let cleanly = stored.first(where: DeviceRecordCodec.isShutdownMarker)?.json == DeviceRecordCodec.shutdownMarker(clean: true).json
        let rows = stored.filter { !DeviceRecordCodec.isShutdownMarker($0) }
        let records = rows.compactMap(DeviceRecordCodec.decode)
        if records.count < rows.count {
            logger.warning("stored device records that cannot be read are skipped", metadata: ["count": "\(rows.count - records.count)"])
        }
        // From now until a clean stop, the kept records may fall behind the store.
        try await store.record(devices: [DeviceRecordCodec.shutdownMarker(clean: false)])
        registry.restore(records, cleanly: cleanly || rows.isEmpty)
        if !records.isEmpty {
            logger.info("device registry restored", metadata: ["devices": "\(records.count)", "clean_stop": "\(cleanly)"])
        }
    }

    /// Stores what changed; what the store did not take is marked changed again. True when all went.
    func keep() async -> Bool {
        let changed = registry.takeChanged()
        guard !changed.isEmpty else { return true }
        let encoder = DeviceRecordCodec.encoder()
        for start in stride(from: 0, to: changed.count, by: Self.chunk) {
            let part = changed[start..<min(start + Self.chunk, changed.count)]
            do {
                try await store.record(devices: part.compactMap { DeviceRecordCodec.encode($0, with: encoder) })
            } catch {
                registry.markChanged(changed[start...].map(\.key))
                logger.warning("the device registry could not be kept in the store; tried again later", metadata: [
                    "devices": "\(changed.count - start)", "error": "\(error)",
                ])
                return false
            }
        }
        return true
    }
}
