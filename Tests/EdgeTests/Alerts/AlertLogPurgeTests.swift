@testable import Edge
import SQLite
import TestSupport
import Testing

@Suite("Alert log purge")
struct AlertLogPurgeTests {
    /// A notification of the edge's own alert at `atMillis`, its body one marker byte.
    static func record(_ store: AlertStore, marker: UInt8, atMillis: Int64, receivers: [String]) throws -> Int64 {
        let event = SystemAlert.spoolStorage.event(
            firing: true, edge: "edge-\(marker)", site: "seoul", startedAtMillis: atMillis, atMillis: atMillis, detail: "",
            receivers: receivers)
        return try store.record(EdgeAlert(event: event, readingTs: nil, seq: nil), body: [marker], receivers: receivers)
    }

    @Test("old notifications leave the log, with forwarding only once forwarded; recent ones and the webhook outbox stay")
    func purgesOnlyHandledOldRows() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alert-log")
        defer { directory.remove() }
        let path = directory.file("alerts.db")
        let store = try AlertStore(path: path)
        let old: Int64 = 1_000_000
        let recent: Int64 = 9_000_000
        let forwarded = try Self.record(store, marker: 1, atMillis: old, receivers: ["default"])
        _ = try Self.record(store, marker: 2, atMillis: old, receivers: [])  // not yet at the core
        _ = try Self.record(store, marker: 3, atMillis: recent, receivers: [])
        try AlertForwardLog(path: path).markForwarded([forwarded])

        // With forwarding: only the old row the core has goes.
        #expect(try store.purge(olderThan: 5_000_000, requireForwarded: true) == 1)
        #expect(try store.recent(limit: 10).map { $0[0] }.sorted() == [2, 3])
        // Without: every old row.
        #expect(try store.purge(olderThan: 5_000_000, requireForwarded: false) == 1)
        #expect(try store.recent(limit: 10).map { $0[0] } == [3])
        // The outbox keeps its own history: the purged notification's webhook is still there.
        #expect(try store.connection.scalarInt("SELECT count(*) FROM webhook_messages WHERE receiver = 'default'") == 1)
    }

    @Test("alerts.db commits with synchronous=FULL: an alert's state change survives a power cut")
    func fullSync() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alert-sync")
        defer { directory.remove() }
        let store = try AlertStore(path: directory.file("alerts.db"))
        #expect(try store.connection.scalarInt("PRAGMA synchronous") == 2)  // 2 = FULL
    }
}
