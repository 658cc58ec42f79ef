import CoreStorage
import Foundation

/// The one form in which the core keeps a ``DeviceRecord`` in its store (``CoreStorage/StoredDevice``):
/// JSON of the record's own fields, read back only when every figure has the shape the registry
/// keeps (a damaged row is skipped, not trusted).
enum DeviceRecordCodec {
    static func encode(_ record: DeviceRecord) -> StoredDevice {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Every field is a plain number, string or array of them: encoding cannot fail.
        let json = (try? encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return StoredDevice(site: record.key.site, line: record.key.line, device: record.key.device, json: json)
    }

    /// The record, or nil when the row is not one this codec wrote for that device.
    static func decode(_ stored: StoredDevice) -> DeviceRecord? {
        guard stored.json.utf8.count <= 64 << 10,
            let record = try? JSONDecoder().decode(DeviceRecord.self, from: Data(stored.json.utf8)),
            record.key == DeviceRecord.Key(site: stored.site, line: stored.line, device: stored.device),
            record.sensors.count <= DeviceRecord.maxSensors, record.readings >= 0, record.firstSeenMillis <= record.lastSeenMillis,
            record.seq.isPlausible, record.clock.isPlausible, record.rate.isPlausible
        else { return nil }
        return record
    }
}
