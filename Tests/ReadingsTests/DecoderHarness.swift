import Readings

/// One decoded reading with its series spelled out, as the golden files write it.
struct DecodedReading: Decodable, Equatable, CustomStringConvertible {
    var site, line, device, sensor, unit: String
    var ts: Int64
    var value: Double
    var seq: Int64

    /// Bit-exact on `value`, so `-0` and rounding are checked too.
    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.site == rhs.site && lhs.line == rhs.line && lhs.device == rhs.device && lhs.sensor == rhs.sensor
            && lhs.unit == rhs.unit && lhs.ts == rhs.ts && lhs.value.bitPattern == rhs.value.bitPattern && lhs.seq == rhs.seq
    }

    var description: String { "\(site)/\(line)/\(device)/\(sensor)[\(unit)] ts=\(ts) value=\(value) seq=\(seq)" }
}

extension PayloadDecoder {
    /// Decodes from Swift values; the production caller passes the received buffers directly.
    mutating func decode(topic: String, payload: [UInt8], receivedAtMillis: Int64 = 1_732_400_000_000,
                         into out: inout ReadingColumns) -> DecodeOutcome {
        var topic = topic
        return topic.withUTF8 { topic in
            payload.withUnsafeBytes { payload in
                decode(topic: UnsafeRawBufferPointer(topic), payload: payload, receivedAtMillis: receivedAtMillis, into: &out)
            }
        }
    }

    mutating func decode(topic: String, _ payload: String, receivedAtMillis: Int64 = 1_732_400_000_000,
                         into out: inout ReadingColumns) -> DecodeOutcome {
        decode(topic: topic, payload: Array(payload.utf8), receivedAtMillis: receivedAtMillis, into: &out)
    }
}

extension ReadingColumns {
    /// The readings from `start` on, with series resolved through the `newSeries` records
    /// (as the consumer thread does, without the decoder's table).
    func decodedReadings(from start: Int = 0, known: [SeriesID: Series] = [:]) -> [DecodedReading] {
        var byID = known
        for record in newSeries { byID[record.id] = record.series }
        return (start..<count).map { index in
            let series = byID[sid[index]]!
            return DecodedReading(site: series.site, line: series.line, device: series.device, sensor: series.sensor,
                                  unit: series.unit, ts: ts[index], value: value[index], seq: seq[index])
        }
    }
}
