import PostgresNIO
public import Readings

extension PostgresReadingStore {
    public func seriesKeys(edge: String, dictionary: Int64) async throws -> [UInt32: Series] {
        try checkOpen()
        let rows = try await client.query("""
            SELECT k.key, s.site, s.line, s.device, s.sensor, s.unit
            FROM series_keys k JOIN series s ON s.id = k.series_id
            WHERE k.edge = \(edge) AND k.dict = \(dictionary)
            """, logger: logger)
        var out: [UInt32: Series] = [:]
        for try await (key, site, line, device, sensor, unit) in rows.decode((Int64, String, String, String, String, String).self) {
            guard let key = UInt32(exactly: key) else { continue }
            out[key] = Series(site: site, line: line, device: device, sensor: sensor, unit: unit)
        }
        return out
    }
}
