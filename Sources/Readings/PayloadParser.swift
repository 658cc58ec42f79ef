/// Turns one payload into ``PendingReading``s, following DESIGN §3.1.
///
/// Errors come in two kinds. Syntax errors (`bad_json`, and the `NaN`/`Infinity` tokens
/// reported as `non_finite`) stop the scan at once. Every other problem (`not_numeric`,
/// `non_finite` from overflow, `bad_timestamp`) is noted and the scan goes on, so a payload
/// that is not JSON is always `bad_json`, whatever else is wrong with it; otherwise the first
/// problem in document order is the reason.
struct PayloadParser {
    /// Where an object sits, which decides what its members mean.
    enum Role {
        /// On a sensor-level topic: `{"value":…, "ts":…, "unit":…, "seq":…}`.
        case reading
        /// On a device-level topic: a device object, or the sensor form with `"sensor"`.
        case device
        /// A device object's member `{"value":…, "unit":…}` named by its key.
        case sensorMember(Range<Int>)
    }

    var scanner: JSONScanner
    let isDeviceLevel: Bool
    var scratch = DecodeScratch()
    /// The first problem that is not a syntax error.
    private(set) var problem: RejectReason?

    init(payload: UnsafeRawBufferPointer, isDeviceLevel: Bool) {
        self.scanner = JSONScanner(payload)
        self.isDeviceLevel = isDeviceLevel
    }

    /// Parses the whole payload; `nil` when every reading in it is good.
    mutating func parse() -> RejectReason? {
        do throws(JSONScanError) {
            let start = try scanner.nextValue()
            if case .arrayStart = start {
                var first = true
                while try scanner.nextElement(first: first) {
                    first = false
                    try parseReading(try scanner.nextValue(), depth: 1)
                }
            } else {
                try parseReading(start, depth: 0)
            }
            try scanner.expectEnd()
        } catch {
            return error == .badJSON ? .badJSON : .nonFinite
        }
        if let problem { return problem }
        return scratch.pending.isEmpty ? .notNumeric : nil  // `[]`, or a device object without sensors
    }

    mutating func note(_ reason: RejectReason) {
        if problem == nil { problem = reason }
    }

    /// A top-level value or array element: a bare number or an object.
    /// - Parameter depth: the depth of the enclosing container (0 at top level).
    private mutating func parseReading(_ start: JSONValueStart, depth: Int) throws(JSONScanError) {
        switch start {
        case .number(let token):
            let value = number(token)
            if isDeviceLevel {
                note(.notNumeric)  // a bare number on a device topic names no sensor
            } else if !value.isFinite {
                note(.nonFinite)
            } else {
                scratch.pending.append(PendingReading(
                    sensor: nil, unit: nil, ts: PendingReading.inherit, value: value, seq: PendingReading.inherit))
            }
        case .objectStart:
            try parseObject(role: isDeviceLevel ? .device : .reading, depth: depth + 1)
        case .arrayStart, .string, .bool, .null:
            note(.notNumeric)
            try scanner.skip(start, depth: depth)
        }
    }

    func number(_ token: JSONNumberToken) -> Double {
        NumberParsing.double(UnsafeRawBufferPointer(rebasing: scanner.bytes[token.range]))
    }
}
