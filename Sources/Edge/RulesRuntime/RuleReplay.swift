import Foundation
import Readings
public import Rules

/// `haetae-edge rules replay`: runs a rule file over recorded readings in event time and
/// reports every alert transition that would happen, as the live edge would see them.
///
/// The input is NDJSON readings as `haetae-edge spool dump` writes them:
/// `{"site":"seoul","line":"l1","device":"furnace-01","sensor":"temperature","unit":"C","ts":1732400000123,"value":851.2}`.
/// Timers (`for`, `absent`, `repeat`) are advanced to each reading's `ts` before it is
/// evaluated, and past the last reading by `tail`, so a silence at the end shows up too.
public enum RuleReplay {
    /// One transition, in event time.
    public struct Transition: Sendable, Equatable {
        public var event: AlertEvent
        /// The 1-based input line that caused it; nil for a timer.
        public var inputLine: Int?
    }

    /// A line of the input that is not a reading.
    public struct InputError: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    private struct Reading: Decodable {
        var site: String
        var line: String
        var device: String
        var sensor: String
        var unit: String?
        var ts: Int64
        var value: Double
    }

    /// Replays `input` (NDJSON bytes) through `rules`; `emit` gets each transition as it happens.
    /// - Returns: the number of readings replayed.
    @discardableResult
    public static func run(
        rules: RuleSet, input: [UInt8], inputName: String, tail: Duration = .seconds(60),
        emit: (Transition) -> Void
    ) throws(InputError) -> Int {
        let engine = RuleEngine(rules: rules)
        var ids: [Series: SeriesID] = [:]
        var events: [AlertEvent] = []
        var lastTs: Int64?
        var count = 0
        let decoder = JSONDecoder()
        var lineNumber = 0
        for rawLine in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.last == 13 ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            let reading: Reading
            do {
                reading = try decoder.decode(Reading.self, from: Data(line))
            } catch {
                throw InputError(file: inputName, line: lineNumber, message: "expected a reading {\"site\",\"line\",\"device\",\"sensor\",\"ts\",\"value\"} (\(Self.reason(error)))")
            }
            let series = Series(site: reading.site, line: reading.line, device: reading.device, sensor: reading.sensor, unit: reading.unit ?? "")
            let id = ids[series] ?? {
                let id = SeriesID(ids.count)
                ids[series] = id
                engine.register(series: id, series)
                return id
            }()
            engine.advance(toMillis: reading.ts, into: &events)
            for event in events { emit(Transition(event: event, inputLine: nil)) }
            events.removeAll()
            engine.evaluate(series: id, value: reading.value, atMillis: reading.ts, into: &events)
            for event in events { emit(Transition(event: event, inputLine: lineNumber)) }
            events.removeAll()
            lastTs = max(lastTs ?? reading.ts, reading.ts)
            count += 1
        }
        if let lastTs {
            engine.advance(toMillis: lastTs + Int64(tail.components.seconds) * 1_000, into: &events)
            for event in events { emit(Transition(event: event, inputLine: nil)) }
        }
        return count
    }

    /// One line for a transition: time, kind, rule, severity, where, value, cause.
    public static func format(_ transition: Transition) -> String {
        let event = transition.event
        let place = "\(event.site)/\(event.line)/\(event.device)" + (event.sensor.isEmpty ? "" : "/\(event.sensor)")
        let kind = event.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
        var text = "\(RFC3339.format(millis: event.atMillis))  \(kind)  \(event.rule)  \(event.severity.rawValue)  \(place)  value=\(event.value)"
        if let line = transition.inputLine { text += "  (input line \(line))" } else { text += "  (timer)" }
        return text
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context): "\(context.codingPath.map(\.stringValue).joined(separator: ".")): wrong type"
        case DecodingError.valueNotFound(_, let context): "\(context.codingPath.map(\.stringValue).joined(separator: ".")): null"
        default: "not valid JSON"
        }
    }
}
