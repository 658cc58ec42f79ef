/// The `# HELP` text of each metric a process exports, added to the registry's exposition.
///
/// The metrics facade the modules use (`Counter(label:)`, `Gauge(label:)`) carries no help text,
/// so each module lists its metrics' help once beside the metrics themselves, and the `/metrics`
/// handler annotates the text it emits. `promtool check metrics` (run by the tests on the real
/// output) names any metric left without one.
public struct MetricHelp: Sendable {
    /// Help text by metric name (the family name, without `_bucket`, `_sum` or `_count`).
    public private(set) var texts: [String: String]

    /// Help texts by metric name.
    public init(_ texts: [String: String] = [:]) {
        self.texts = texts
    }

    /// This catalogue with another's entries added (the other wins on a name both list).
    public func merging(_ other: MetricHelp) -> MetricHelp {
        MetricHelp(texts.merging(other.texts) { _, theirs in theirs })
    }

    /// `exposition` (Prometheus text format 0.0.4) with a `# HELP` line before each `# TYPE`
    /// line whose metric has a text and no `# HELP` line already.
    public func annotate(_ exposition: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(exposition.count + texts.count * 64)
        var previousLineWasHelp = false
        for line in exposition.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if !previousLineWasHelp, let name = Self.typedName(line), let text = texts[name] {
                output += Array("# HELP \(name) \(Self.escaped(text))\n".utf8)
            }
            previousLineWasHelp = line.starts(with: Self.helpPrefix)
            output += line
            output.append(UInt8(ascii: "\n"))
        }
        // Every piece got a newline; the last piece had none (it is empty after a final newline).
        output.removeLast()
        return output
    }

    private static let typePrefix = Array("# TYPE ".utf8)
    private static let helpPrefix = Array("# HELP ".utf8)

    /// The metric name of a `# TYPE name kind` line, or nil for any other line.
    static func typedName(_ line: ArraySlice<UInt8>) -> String? {
        guard line.starts(with: typePrefix) else { return nil }
        let rest = line.dropFirst(typePrefix.count)
        guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        return String(decoding: rest[..<space], as: UTF8.self)
    }

    /// Help text escaped as the text format asks: backslash and line feed.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
