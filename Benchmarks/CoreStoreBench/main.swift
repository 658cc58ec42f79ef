// haetae-store-bench: ingest rows/s of the core's stores, in one run, on one generated workload
// (default 2,000,000 readings in 5,000-reading batches over 200 series, one reading per series
// per second), with the baseline measured beside them: SQLite with one indexed row per reading.
//
//     swift run -c release haetae-store-bench [readings] [series] [batch]
//
// PostgreSQL runs when its server binaries are installed (Deploy/local/install-deps): a fresh
// durable cluster (fsync, synchronous_commit on) is started for the run and removed after it.

import CoreStorage
import Foundation
import Logging
import Readings
import TestSupport

let arguments = CommandLine.arguments
let readingCount = arguments.count > 1 ? Int(arguments[1]) ?? 2_000_000 : 2_000_000
let seriesCount = arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200
let batchSize = arguments.count > 3 ? Int(arguments[3]) ?? 5_000 : 5_000

var logger = Logger(label: "haetae.store.bench")
logger.logLevel = .warning

let workload = Workload(readings: readingCount, series: seriesCount, batchSize: batchSize)
print("haetae-store-bench: \(readingCount) readings, \(seriesCount) series, \(workload.batches.count) batches of \(batchSize)")

var results: [(String, Double)] = []

@MainActor
func report(_ name: String, _ seconds: Double) {
    let rate = Double(readingCount) / seconds
    results.append((name, rate))
    print("\(name.padding(toLength: 46, withPad: " ", startingAt: 0)) \(String(format: "%10.0f", rate)) rows/s  (\(String(format: "%.2f", seconds)) s)")
}

let scratch = try TemporaryDirectory(prefix: "haetae-store-bench")

report("baseline: SQLite, one indexed row per reading", try NaiveSQLite.ingest(workload, path: scratch.file("naive.db")))
for synchronous in [SQLiteReadingStore.Options.Synchronous.full, .normal] {
    let store = try SQLiteReadingStore(
        path: scratch.file("store-\(synchronous.rawValue).db"), options: .init(synchronous: synchronous), logger: logger)
    let seconds = try await ingest(workload, into: store, concurrency: 1)
    report("SQLiteReadingStore, synchronous=\(synchronous.rawValue)", seconds)
    let statistics = try await store.statistics()
    precondition(statistics.readings == Int64(readingCount), "SQLite stored \(statistics.readings)")
    print("    file: \(statistics.bytes / 1_048_576) MiB, \(String(format: "%.1f", Double(statistics.bytes) / Double(readingCount))) bytes/reading")
    await store.close()
}

if PostgresServer.isAvailable {
    for concurrency in [1, 4] {
        let server = try await PostgresServer(
            database: "bench", settings: ["fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "shared_buffers": "256MB"])
        let store = try PostgresReadingStore(url: server.url, logger: logger)
        let running = Task { await store.run() }
        try await store.migrate()
        let seconds = try await ingest(workload, into: store, concurrency: concurrency)
        report("PostgresReadingStore, \(concurrency) concurrent batch(es)", seconds)
        let statistics = try await store.statistics()
        precondition(statistics.readings == Int64(readingCount), "PostgreSQL stored \(statistics.readings)")
        print("    database: \(statistics.bytes / 1_048_576) MiB")
        await store.close()
        await running.value
        await server.stop()
    }
} else {
    print("PostgreSQL: not installed (\(PostgresServer.binDirectory)); skipped")
}

if let baseline = results.first?.1 {
    for (name, rate) in results.dropFirst() {
        print("\(name): \(String(format: "%.1f", rate / baseline))× the baseline")
    }
}
scratch.remove()

/// Ingests every batch, `concurrency` at a time, and returns the seconds taken.
func ingest(_ workload: Workload, into store: some ReadingStore, concurrency: Int) async throws -> Double {
    let clock = ContinuousClock()
    let began = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        for _ in 0..<concurrency where next < workload.batches.count {
            let batch = workload.batches[next]
            next += 1
            group.addTask { _ = try await store.ingest(batch, receivedAtMillis: 0) }
        }
        while try await group.next() != nil {
            if next < workload.batches.count {
                let batch = workload.batches[next]
                next += 1
                group.addTask { _ = try await store.ingest(batch, receivedAtMillis: 0) }
            }
        }
    }
    let elapsed = clock.now - began
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}
