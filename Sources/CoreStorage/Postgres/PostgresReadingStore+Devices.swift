import PostgresNIO

extension PostgresReadingStore {
    public func record(devices: [StoredDevice]) async throws {
        try checkOpen()
        guard !devices.isEmpty else { return }
        // One statement per 1,000 devices: unnest keeps the parameters at four arrays.
        for start in stride(from: 0, to: devices.count, by: 1_000) {
            let part = devices[start..<min(start + 1_000, devices.count)]
            let sites = part.map(\.site), lines = part.map(\.line), names = part.map(\.device), records = part.map(\.json)
            try await client.query("""
                INSERT INTO device_registry(site, line, device, record)
                SELECT * FROM unnest(\(sites)::text[], \(lines)::text[], \(names)::text[], \(records)::text[])
                ON CONFLICT (site, line, device) DO UPDATE SET record = excluded.record
                """, logger: logger).drain()
        }
    }

    public func devices() async throws -> [StoredDevice] {
        try checkOpen()
        let rows = try await client.query("SELECT site, line, device, record FROM device_registry ORDER BY site, line, device", logger: logger)
        var out: [StoredDevice] = []
        for try await (site, line, device, record) in rows.decode((String, String, String, String).self) {
            out.append(StoredDevice(site: site, line: line, device: device, json: record))
        }
        return out
    }
}
