extension PayloadRenderer {
    /// The size of `too_large` payloads: past the edge's default 64 KiB limit.
    public static let tooLargeBytes = 65_536 + 1_024

    /// Renders one message that the edge must reject with reason `kind`, on the device's first
    /// sensor topic (its device topic when the template has no `{sensor}`).
    ///
    /// - `bad_json`: `{"ts":…,"value":71.25,"seq":7` (truncated)
    /// - `not_numeric`: `{"ts":…,"value":"hot","seq":7}`
    /// - `non_finite`: `{"ts":…,"value":NaN,"seq":7}`
    /// - `topic_shape`: a valid object on the topic plus `/malformed/x` (longer than the template)
    /// - `too_large`: a valid object padded to ``tooLargeBytes``
    /// - `bad_timestamp`: `{"ts":"yesterday","value":71.25,"seq":7}`
    /// On a device-level topic the value is a sensor member instead (`"temperature":NaN`).
    public static func renderMalformed(
        _ kind: MalformedKind, device: PlannedDevice, seq: Int64, value: Double, ts: Int64,
        into buffer: inout MessageBuffer
    ) {
        let perSensor = !device.sensorTopicBytes.isEmpty
        let topic = perSensor ? device.sensorTopicBytes[0] : device.deviceTopicBytes
        let decimals = device.sensors[0].decimals
        // `"value":` on a sensor topic, `"temperature":` on a device topic.
        let key = perSensor ? Array("\"value\":".utf8) : device.sensorKeyBytes[0]
        buffer.append(
            topic: topic, suffix: kind == .topicShape ? "/malformed/x" : "", device: device.index, seqs: seq...seq,
            readings: 0, kind: .malformed(kind)
        ) { out in
            let start = out.count
            out.append("{\"ts\":")
            if kind == .badTimestamp { out.append("\"yesterday\"") } else { NumberWriter.append(ts, to: &out) }
            out.append(",\"seq\":")
            NumberWriter.append(seq, to: &out)
            out.append(",")
            out.append(contentsOf: key)
            switch kind {
            case .notNumeric: out.append("\"hot\"")
            case .nonFinite: out.append("NaN")
            case .badJSON, .topicShape, .tooLarge, .badTimestamp: NumberWriter.append(value, decimals: decimals, to: &out)
            }
            switch kind {
            case .badJSON:
                return  // no closing brace
            case .tooLarge:
                out.append(",\"pad\":\"")
                let padding = max(0, tooLargeBytes - (out.count - start) - 2)
                out.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: padding))
                out.append("\"}")
            default:
                out.append("}")
            }
        }
    }
}
