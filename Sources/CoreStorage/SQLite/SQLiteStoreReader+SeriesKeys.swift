import Readings
import SQLite

extension SQLiteStoreReader {
    /// ``ReadingStore/seriesKeys(edge:dictionary:)``.
    func seriesKeys(edge: String, dictionary: Int64) throws -> [UInt32: Series] {
        let db = try opened()
        let query = try db.prepare("""
            SELECT k.key, s.site, s.line, s.device, s.sensor, s.unit
            FROM series_keys k JOIN series s ON s.id = k.series_id
            WHERE k.edge = ? AND k.dict = ?
            """)
        try query.bind(edge, at: 1)
        try query.bind(dictionary, at: 2)
        var out: [UInt32: Series] = [:]
        while try query.step() {
            guard let key = UInt32(exactly: query.int64(at: 0)) else { continue }
            out[key] = Series(
                site: query.string(at: 1), line: query.string(at: 2), device: query.string(at: 3),
                sensor: query.string(at: 4), unit: query.string(at: 5))
        }
        return out
    }
}
