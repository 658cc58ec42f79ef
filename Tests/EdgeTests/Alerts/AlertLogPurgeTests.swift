@testable import Edge
import SQLite
import TestSupport
import Testing

@Suite("Alert log purge")
struct AlertLogPurgeTests {
    @Test("old notifications leave the log once delivered, and with forwarding only once forwarded; recent and pending ones stay")
    func purgesOnlyHandledOldRows() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alert-log")
        let path = directory.file("alerts.db")
        let store = try AlertStore(path: path)
        let old: Int64 = 1_000_000
        let recent: Int64 = 9_000_000
        let delivered = try store.log(alertID: "a", kind: "firing", webhookID: "w1", body: [1], receivers: ["default"], atMillis: old)
        try store.markEnqueued(delivered)
        let forwarded = try store.log(alertID: "b", kind: "firing", webhookID: "w2", body: [2], receivers: [], atMillis: old)
        _ = try store.log(alertID: "c", kind: "firing", webhookID: "w3", body: [3], receivers: ["default"], atMillis: old)  // not yet queued
        _ = try store.log(alertID: "d", kind: "resolved", webhookID: "w4", body: [4], receivers: [], atMillis: recent)
        try AlertForwardLog(path: path).markForwarded([forwarded])

        // With forwarding: only the row both queued and forwarded goes.
        #expect(try store.purge(olderThan: 5_000_000, requireForwarded: true) == 1)
        #expect(try store.recent(limit: 10).map { $0[0] }.sorted() == [1, 3, 4])
        // Without: every old row that was handed to its webhooks.
        #expect(try store.purge(olderThan: 5_000_000, requireForwarded: false) == 1)
        #expect(try store.recent(limit: 10).map { $0[0] }.sorted() == [3, 4])
    }

    @Test("alerts.db commits with synchronous=FULL: an alert's state change survives a power cut")
    func fullSync() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alert-sync")
        defer { directory.remove() }
        let store = try AlertStore(path: directory.file("alerts.db"))
        #expect(try store.connection.scalarInt("PRAGMA synchronous") == 2)  // 2 = FULL
    }
}
