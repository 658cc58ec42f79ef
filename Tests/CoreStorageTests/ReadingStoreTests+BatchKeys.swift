import CoreStorage
import Readings
import Testing

/// Batch identity `(edge, spool, seq)` and the readings' hash: a replaced spool's batches are
/// new, a resend is a duplicate, a colliding key with other readings is refused.
extension ReadingStoreTests {
    static func spooled(_ spool: Int64?, seq: Int64, _ value: Double, edge: String = "seoul-a") -> Batch {
        var batch = makeBatch(edge: edge, seq: seq, [(Self.press, baseTime + Int64(value * 1_000), value)])
        batch.spool = spool
        return batch
    }

    @Test("a new spool's batch 1 is stored beside the old spool's batch 1; each repeats as a duplicate", arguments: StoreBackend.all)
    func spoolIdentity(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            do { let outcome = try await store.ingest(Self.spooled(111, seq: 1, 1), receivedAtMillis: baseTime); #expect(outcome == .stored(readings: 1)) }
            do { let outcome = try await store.ingest(Self.spooled(222, seq: 1, 2), receivedAtMillis: baseTime); #expect(outcome == .stored(readings: 1)) }
            do { let outcome = try await store.ingest(Self.spooled(111, seq: 1, 1), receivedAtMillis: baseTime); #expect(outcome == .duplicate) }
            do { let outcome = try await store.ingest(Self.spooled(222, seq: 1, 2), receivedAtMillis: baseTime); #expect(outcome == .duplicate) }
            // Edges before spool ids (no spool) keep their own (edge, seq) keys.
            do { let outcome = try await store.ingest(Self.spooled(nil, seq: 1, 3), receivedAtMillis: baseTime); #expect(outcome == .stored(readings: 1)) }
            do { let outcome = try await store.ingest(Self.spooled(nil, seq: 1, 3), receivedAtMillis: baseTime); #expect(outcome == .duplicate) }
            let statistics = try await store.statistics()
            #expect(statistics.readings == 3 && statistics.batches == 3)
        }
    }

    @Test("a key that comes again with other readings is refused (batch conflict) and stores nothing", arguments: StoreBackend.all)
    func conflictingKey(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            do { let outcome = try await store.ingest(Self.spooled(111, seq: 7, 1), receivedAtMillis: baseTime); #expect(outcome == .stored(readings: 1)) }
            do {
                _ = try await store.ingest(Self.spooled(111, seq: 7, 2), receivedAtMillis: baseTime)
                Issue.record("a conflicting batch was taken for a duplicate")
            } catch let error as ReadingStoreError {
                #expect(error.code == .batchConflict)
                #expect(error.message.contains("seoul-a:111:7"), "\(error)")
            }
            // Without a spool id too: an old edge whose numbering restarted is caught, not deleted as a duplicate.
            _ = try await store.ingest(Self.spooled(nil, seq: 7, 3), receivedAtMillis: baseTime)
            await expectStoreError(.batchConflict) { try await store.ingest(Self.spooled(nil, seq: 7, 4), receivedAtMillis: baseTime) }
            let readings = try await store.statistics().readings
            #expect(readings == 2)
        }
    }

    @Test("a resend of a dictionary batch with definitions added is still a duplicate (the hash covers the readings only)", arguments: StoreBackend.all)
    func resendWithDefinitionsIsDuplicate(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let defs = [SeriesDefinition(key: 5, series: Self.press)]
            var first = Self.keyed(seq: 1, defining: defs, [(5, baseTime, 1)])
            first.spool = 77
            var second = Self.keyed(seq: 2, defining: [], [(5, baseTime + 1, 2)])
            second.spool = 77
            let outcomes = [try await store.ingest(first, receivedAtMillis: baseTime), try await store.ingest(second, receivedAtMillis: baseTime)]
            #expect(outcomes == [.stored(readings: 1), .stored(readings: 1)])
            var resent = second
            resent.series = defs.map(\.series)
            resent.seriesKeys = defs.map(\.key)
            let again = try await store.ingest(resent, receivedAtMillis: baseTime)
            #expect(again == .duplicate)
        }
    }
}
