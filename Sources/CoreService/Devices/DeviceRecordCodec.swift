import CoreStorage
import Foundation
import Readings

/// The one form in which the core keeps a ``DeviceRecord`` in its store (``CoreStorage/StoredDevice``):
/// JSON of the record's own fields, read back only when every figure has the shape the registry
/// keeps (a damaged row is skipped, not trusted).
enum DeviceRecordCodec {
    /// The encoder for ``encode(_:with:)``: one per round of records, not one per record.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// The stored form; nil only if the record cannot be encoded (every field is a plain number,
    /// string or array of them, so this does not happen).
    static func encode(_ record: DeviceRecord, with encoder: JSONEncoder = encoder()) -> StoredDevice? {
        guard let data = try? encoder.encode(record) else { return nil }
        return StoredDevice(site: record.key.site, line: record.key.line, device: record.key.device, json: String(decoding: data, as: UTF8.self))
    }

    /// The row that says whether the core stopped cleanly after it last kept the registry (no
    /// device has an empty site, line and name).
    static func shutdownMarker(clean: Bool) -> StoredDevice {
        StoredDevice(site: "", line: "", device: "", json: clean ? #"{"clean":true}"# : #"{"clean":false}"#)
    }

    static func isShutdownMarker(_ stored: StoredDevice) -> Bool {
        stored.site.isEmpty && stored.line.isEmpty && stored.device.isEmpty
    }

    /// The record, or nil when the row is not one this codec wrote for that device.
    static func decode(_ stored: StoredDevice) -> DeviceRecord? {
        guard stored.json.utf8.count <= 64 << 10,
            let record = try? JSONDecoder().decode(DeviceRecord.self, from: Data(stored.json.utf8)),
            record.key == DeviceRecord.Key(site: stored.site, line: stored.line, device: stored.device),
            record.sensors.count <= DeviceRecord.maxSensors, (0...SeqTracker.countLimit).contains(record.readings),
            (0...SeqTracker.countLimit).contains(record.sensorsNotListed),
            0 <= record.firstSeenMillis, record.firstSeenMillis <= record.lastSeenMillis, record.lastSeenMillis <= BatchCodec.maxReceivedMillis,
            record.seq.isPlausible, record.clock.isPlausible, record.rate.isPlausible
        else { return nil }
        return record
    }
}
