import PostgresNIO

extension PostgresReadingStore {
    public func record(edgeStatus: StoredEdgeStatus) async throws {
        try checkOpen()
        try await client.query("""
            INSERT INTO edge_status(edge, site, status, received_at)
            VALUES (\(edgeStatus.edge), \(edgeStatus.site), \(edgeStatus.json), \(edgeStatus.receivedAtMillis))
            ON CONFLICT (edge) DO UPDATE SET site = excluded.site, status = excluded.status, received_at = excluded.received_at
            WHERE excluded.received_at >= edge_status.received_at
            """, logger: logger).drain()
    }

    public func edgeStatuses() async throws -> [StoredEdgeStatus] {
        try checkOpen()
        let rows = try await client.query("SELECT edge, site, status, received_at FROM edge_status ORDER BY edge", logger: logger)
        var out: [StoredEdgeStatus] = []
        for try await (edge, site, json, receivedAt) in rows.decode((String, String, String, Int64).self) {
            out.append(StoredEdgeStatus(edge: edge, site: site, json: json, receivedAtMillis: receivedAt))
        }
        return out
    }
}
