import SQLite

extension SQLiteStoreWriter {
    /// ``ReadingStore/record(devices:)``.
    func record(devices: [StoredDevice]) throws {
        guard !devices.isEmpty else { return }
        let db = try opened().connection
        let upsert = try db.prepare("""
            INSERT INTO device_registry(site, line, device, record) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(site, line, device) DO UPDATE SET record = excluded.record
            """)
        try db.transaction {
            for device in devices {
                try upsert.bind(device.site, at: 1)
                try upsert.bind(device.line, at: 2)
                try upsert.bind(device.device, at: 3)
                try upsert.bind(device.json, at: 4)
                try upsert.run()
            }
        }
    }
}

extension SQLiteStoreReader {
    /// ``ReadingStore/devices()``.
    func devices() throws -> [StoredDevice] {
        let db = try opened()
        let query = try db.prepare("SELECT site, line, device, record FROM device_registry ORDER BY site, line, device")
        var out: [StoredDevice] = []
        while try query.step() {
            out.append(StoredDevice(site: query.string(at: 0), line: query.string(at: 1), device: query.string(at: 2), json: query.string(at: 3)))
        }
        return out
    }
}
