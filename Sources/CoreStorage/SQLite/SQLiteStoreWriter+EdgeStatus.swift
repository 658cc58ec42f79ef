import SQLite

extension SQLiteStoreWriter {
    /// ``ReadingStore/record(edgeStatus:)``.
    func record(edgeStatus: StoredEdgeStatus) throws {
        let db = try opened().connection
        let upsert = try db.prepare("""
            INSERT INTO edge_status(edge, site, status, received_at) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(edge) DO UPDATE SET site = excluded.site, status = excluded.status, received_at = excluded.received_at
            WHERE excluded.received_at >= edge_status.received_at
            """)
        try upsert.bind(edgeStatus.edge, at: 1)
        try upsert.bind(edgeStatus.site, at: 2)
        try upsert.bind(edgeStatus.json, at: 3)
        try upsert.bind(edgeStatus.receivedAtMillis, at: 4)
        try upsert.run()
    }
}

extension SQLiteStoreReader {
    /// ``ReadingStore/edgeStatuses()``.
    func edgeStatuses() throws -> [StoredEdgeStatus] {
        let db = try opened()
        let query = try db.prepare("SELECT edge, site, status, received_at FROM edge_status ORDER BY edge")
        var out: [StoredEdgeStatus] = []
        while try query.step() {
            out.append(StoredEdgeStatus(
                edge: query.string(at: 0), site: query.string(at: 1), json: query.string(at: 2), receivedAtMillis: query.int64(at: 3)))
        }
        return out
    }
}
