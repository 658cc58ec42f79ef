/// Renders topics and payloads for device ticks into a ``MessageBuffer``, in each kind's
/// ``PayloadShape``, without Foundation or per-message `String`s.
///
/// - `number`: `71.25` per sensor (no ts, no seq)
/// - `object`: `{"ts":1732400000123,"value":71.25,"unit":"C","seq":7}` per sensor
/// - `device-object`: `{"ts":1732400000123,"seq":7,"temperature":71.25,"vibration":3.10}` on the device topic
/// - `array`: `[{"ts":…,"value":…,"unit":"C","seq":7},{…"seq":8}]` per sensor, `batch` readings each
public enum PayloadRenderer {
    /// Renders one tick of a `number`, `object` or `device-object` device.
    /// - Parameters:
    ///   - values: one value per sensor, in kind order.
    ///   - ts: epoch milliseconds to send.
    public static func render(
        device: PlannedDevice, seq: Int64, values: [Double], ts: Int64, into buffer: inout MessageBuffer
    ) {
        switch device.payload {
        case .number:
            for sensor in device.sensors.indices {
                buffer.append(topic: device.sensorTopicBytes[sensor], device: device.index, sensor: sensor, seqs: seq...seq, readings: 1, kind: .readings) { out in
                    NumberWriter.append(values[sensor], decimals: device.sensors[sensor].decimals, to: &out)
                }
            }
        case .object:
            for sensor in device.sensors.indices {
                buffer.append(topic: device.sensorTopicBytes[sensor], device: device.index, sensor: sensor, seqs: seq...seq, readings: 1, kind: .readings) { out in
                    appendObject(device: device, sensor: sensor, value: values[sensor], seq: seq, ts: ts, to: &out)
                }
            }
        case .deviceObject:
            buffer.append(topic: device.deviceTopicBytes, device: device.index, seqs: seq...seq, readings: device.sensors.count, kind: .readings) { out in
                out.append("{\"ts\":")
                NumberWriter.append(ts, to: &out)
                out.append(",\"seq\":")
                NumberWriter.append(seq, to: &out)
                for sensor in device.sensors.indices {
                    out.append(",")
                    out.append(contentsOf: device.sensorKeyBytes[sensor])
                    NumberWriter.append(values[sensor], decimals: device.sensors[sensor].decimals, to: &out)
                }
                out.append("}")
            }
        case .array:
            renderArray(device: device, firstSeq: seq, values: values, ts: [ts], into: &buffer)
        }
    }

    /// Renders one `array` message per sensor covering consecutive ticks.
    /// - Parameters:
    ///   - firstSeq: the seq of the first reading; later readings count up from it.
    ///   - values: `ts.count` rows of one value per sensor (row-major).
    ///   - ts: the epoch milliseconds of each reading.
    public static func renderArray(
        device: PlannedDevice, firstSeq: Int64, values: [Double], ts: [Int64], into buffer: inout MessageBuffer
    ) {
        let width = device.sensors.count
        let lastSeq = firstSeq + Int64(ts.count) - 1
        for sensor in 0..<width {
            buffer.append(topic: device.sensorTopicBytes[sensor], device: device.index, sensor: sensor, seqs: firstSeq...lastSeq, readings: ts.count, kind: .readings) { out in
                out.append("[")
                for row in ts.indices {
                    if row > 0 { out.append(",") }
                    appendObject(device: device, sensor: sensor, value: values[row * width + sensor], seq: firstSeq + Int64(row), ts: ts[row], to: &out)
                }
                out.append("]")
            }
        }
    }

    /// `{"ts":…,"value":…,"unit":"C","seq":N}`.
    static func appendObject(device: PlannedDevice, sensor: Int, value: Double, seq: Int64, ts: Int64, to out: inout [UInt8]) {
        out.append("{\"ts\":")
        NumberWriter.append(ts, to: &out)
        out.append(",\"value\":")
        NumberWriter.append(value, decimals: device.sensors[sensor].decimals, to: &out)
        out.append(contentsOf: device.unitBytes[sensor])
        out.append(",\"seq\":")
        NumberWriter.append(seq, to: &out)
        out.append("}")
    }
}

extension [UInt8] {
    /// Appends ASCII literal text.
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }
}
