import Foundation
import SQLite

/// The baseline: the obvious SQLite schema, one row per reading under a `(series_id, ts)` index,
/// one prepared insert per reading and one transaction per batch, with the same durability
/// (WAL, synchronous=FULL) as the store's default.
enum NaiveSQLite {
    static func ingest(_ workload: Workload, path: String) throws -> Double {
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=FULL")
        try db.execute("""
            CREATE TABLE batches(edge TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(edge, seq)) WITHOUT ROWID;
            CREATE TABLE readings(series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL);
            CREATE INDEX readings_series_ts ON readings(series_id, ts);
            """)
        let key = try db.prepare("INSERT INTO batches(edge, seq) VALUES (?1, ?2)")
        let insert = try db.prepare("INSERT INTO readings(series_id, ts, value) VALUES (?1, ?2, ?3)")
        let clock = ContinuousClock()
        let began = clock.now
        for batch in workload.batches {
            try db.transaction {
                try key.bind(batch.edge, at: 1)
                try key.bind(batch.seq, at: 2)
                try key.run()
                for i in 0..<batch.count {
                    try insert.bind(Int64(batch.sid[i]), at: 1)
                    try insert.bind(batch.ts[i], at: 2)
                    try insert.bind(batch.value[i], at: 3)
                    try insert.run()
                }
            }
        }
        let elapsed = clock.now - began
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
