extension PayloadParser {
    /// The meaning of a decoded key in an object of `role`.
    func classify(_ name: Range<Int>, role: Role) -> Key {
        scratch.names.withUnsafeBytes { names in
            let key = UnsafeRawBufferPointer(rebasing: names[name])
            func isKey(_ word: StaticString) -> Bool { JSONScanner.equals(key, word, ignoringCase: false) }
            if isKey("value") { return .value }
            if isKey("ts") { return .ts }
            if isKey("seq") { return .seq }
            if isKey("unit") { return .unit }
            // Only a device object gives these a meaning; elsewhere they are ordinary keys.
            guard case .device = role else { return .other }
            if isKey("sensor") { return .sensor }
            if isKey("sent_us") { return .sentMicros }
            return .other
        }
    }

    /// Reads `ts`: integral epoch milliseconds, or an RFC 3339 string; `null` counts as absent.
    mutating func readTimestamp(_ start: JSONValueStart, into fields: inout Fields) {
        var millis: Int64?
        switch start {
        case .number(let token):
            let value = number(token)
            if value >= 0 && value < Double(RFC3339.endOfYear9999Millis) && value.rounded(.towardZero) == value {
                millis = Int64(value)
            }
        case .string(let token):
            let start = scratch.names.count
            scanner.decodeString(token, into: &scratch.names)
            millis = scratch.names.withUnsafeBytes { RFC3339.epochMillis(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            scratch.names.removeSubrange(start...)
        case .null:
            return
        case .objectStart, .arrayStart, .bool:
            break
        }
        if let millis {
            fields.ts = millis
            fields.hasBadTimestamp = false
        } else {
            fields.hasBadTimestamp = true
        }
    }

    /// Turns the gathered fields of an object into readings, or notes why it cannot.
    /// - Returns: whether the object produced at least one reading.
    mutating func finish(role: Role, fields: Fields, firstPending: Int) -> Bool {
        switch role {
        case .reading:
            return appendSingle(fields, sensor: nil)
        case .sensorMember(let name):
            if case .absent = fields.value { return false }  // `{"fw":"1.2"}`: metadata, not a sensor
            return appendSingle(fields, sensor: name)
        case .device:
            switch fields.sensor {
            case .name(let name):
                // The sensor form: one reading; other numeric members are not sensors here.
                scratch.pending.removeSubrange(firstPending...)
                return appendSingle(fields, sensor: name)
            case .invalid:
                scratch.pending.removeSubrange(firstPending...)
                note(.notNumeric)
                return false
            case .absent:
                if fields.hasBadTimestamp { note(.badTimestamp) }
                guard scratch.pending.count > firstPending else {
                    note(.notNumeric)
                    return false
                }
                // The device object's ts, seq and unit apply to members that did not set their own.
                for index in firstPending..<scratch.pending.count {
                    if scratch.pending[index].ts == PendingReading.inherit { scratch.pending[index].ts = fields.ts }
                    if scratch.pending[index].seq == PendingReading.inherit { scratch.pending[index].seq = fields.seq }
                    if scratch.pending[index].unit == nil { scratch.pending[index].unit = fields.unit }
                }
                return true
            }
        }
    }

    private mutating func appendSingle(_ fields: Fields, sensor: Range<Int>?) -> Bool {
        let value: Double
        switch fields.value {
        case .absent, .notNumber:
            note(.notNumeric)
            return false
        case .number(let number):
            guard number.isFinite else {
                note(.nonFinite)
                return false
            }
            value = number
        }
        if fields.hasBadTimestamp {
            note(.badTimestamp)
            return false
        }
        scratch.pending.append(PendingReading(sensor: sensor, unit: fields.unit, ts: fields.ts, value: value, seq: fields.seq))
        return true
    }
}
