extension PayloadParser {
    /// What an object said about its reading(s), gathered member by member because JSON
    /// does not order members: `unit` or `ts` may come after `value`.
    struct Fields {
        enum Value { case absent, number(Double), notNumber }
        enum Sensor { case absent, name(Range<Int>), invalid }

        var value = Value.absent
        var ts = PendingReading.inherit
        var hasBadTimestamp = false
        var seq = PendingReading.inherit
        var unit: Range<Int>?
        var sensor = Sensor.absent
    }

    /// Member keys with a meaning of their own; any other key of a device object is a sensor.
    enum Key { case value, ts, seq, unit, sensor, sentMicros, other }

    /// Parses an object after its `{`.
    /// - Parameter depth: the object's own depth (1 at top level).
    /// - Returns: whether it produced at least one reading.
    @discardableResult
    mutating func parseObject(role: Role, depth: Int) throws(JSONScanError) -> Bool {
        guard depth <= JSONScanner.maxDepth else { throw .badJSON }
        let firstPending = scratch.pending.count
        var fields = Fields()
        var first = true
        while let keyToken = try scanner.nextMember(first: first) {
            first = false
            // Keys are decoded into `names` so that escaped keys (`"v\u0061lue"`) mean the same
            // as plain ones; a key that does not become a sensor name is dropped again.
            let nameStart = scratch.names.count
            scanner.decodeString(keyToken, into: &scratch.names)
            let name = nameStart..<scratch.names.count
            let key = classify(name, role: role)
            if case .other = key, case .device = role {} else { scratch.names.removeSubrange(nameStart...) }
            let valueStart = try scanner.nextValue()
            var consumed = false  // whether the value was parsed past its end already
            switch key {
            case .value:
                if case .number(let token) = valueStart { fields.value = .number(number(token)) } else { fields.value = .notNumber }
            case .ts:
                readTimestamp(valueStart, into: &fields)
            case .seq:
                // A counter that is not a non-negative integer is ignored rather than rejected:
                // it only feeds loss accounting, the reading itself is still good.
                if case .number(let token) = valueStart, token.isInteger,
                   let seq = NumberParsing.int64(UnsafeRawBufferPointer(rebasing: scanner.bytes[token.range])), seq >= 0 {
                    fields.seq = seq
                }
            case .unit:
                if case .string(let token) = valueStart {
                    let start = scratch.names.count
                    scanner.decodeString(token, into: &scratch.names)
                    fields.unit = start..<scratch.names.count
                }
            case .sensor:
                fields.sensor = .invalid
                if case .string(let token) = valueStart {
                    let start = scratch.names.count
                    scanner.decodeString(token, into: &scratch.names)
                    if scratch.names.count > start { fields.sensor = .name(start..<scratch.names.count) }
                }
            case .sentMicros:
                break
            case .other:
                guard case .device = role, !name.isEmpty else { break }  // an empty key names no sensor
                if case .objectStart = valueStart { consumed = true }
                if try !parseSensorMember(valueStart, name: name, depth: depth) {
                    scratch.names.removeSubrange(nameStart...)
                }  // else keep the name: a pending reading points at it
            }
            if !consumed { try scanner.skip(valueStart, depth: depth) }
        }
        return finish(role: role, fields: fields, firstPending: firstPending)
    }

    /// A device object's member `name: value`: a number or a `{"value":…}` object is a sensor.
    /// - Returns: whether it produced a reading.
    private mutating func parseSensorMember(_ start: JSONValueStart, name: Range<Int>, depth: Int) throws(JSONScanError) -> Bool {
        switch start {
        case .number(let token):
            let value = number(token)
            guard value.isFinite else { note(.nonFinite); return false }
            scratch.pending.append(PendingReading(
                sensor: name, unit: nil, ts: PendingReading.inherit, value: value, seq: PendingReading.inherit))
            return true
        case .objectStart:
            return try parseObject(role: .sensorMember(name), depth: depth + 1)
        default:
            return false  // strings, booleans, null and arrays are metadata, not sensors
        }
    }
}
