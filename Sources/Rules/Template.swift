/// A text with placeholders, e.g. `"{device} at {site}/{line} is {value}°C"`, parsed once.
///
/// A placeholder is `{name}` where name is one of ``Placeholder``. Braces that do not enclose a
/// bare word are literal text, so a JSON payload such as `{"cmd":"stop","rule":"{rule}"}` needs
/// no escaping. Templates are rendered only on alert transitions, never per reading.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    /// What may appear between braces.
    public enum Placeholder: String, Sendable, Hashable, CaseIterable {
        case site, line, device, sensor, value, rule, severity
    }

    enum Part: Sendable, Hashable {
        case text(String)
        case placeholder(Placeholder)
    }

    /// The template as written.
    public let source: String
    let parts: [Part]

    /// The placeholders it uses.
    var placeholders: Set<Placeholder> {
        Set(parts.compactMap { if case .placeholder(let placeholder) = $0 { placeholder } else { nil } })
    }

    /// A bare word between braces that is not a known placeholder.
    struct UnknownPlaceholder: Error {
        var name: String
        /// Offset of the `{` in Unicode scalars from the start of the template.
        var offset: Int
    }

    /// Parses `source`, returning every unknown placeholder instead of stopping at the first.
    static func parse(_ source: String) -> (Template, [UnknownPlaceholder]) {
        let scalars = Array(source.unicodeScalars)
        var parts: [Part] = []
        var unknown: [UnknownPlaceholder] = []
        var literal = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "{", let close = wordEnd(scalars, from: i + 1), close < scalars.count, scalars[close] == "}" {
                let name = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                if let placeholder = Placeholder(rawValue: name) {
                    if !literal.isEmpty { parts.append(.text(String(literal))) }
                    literal = String.UnicodeScalarView()
                    parts.append(.placeholder(placeholder))
                } else {
                    unknown.append(UnknownPlaceholder(name: name, offset: i))
                }
                i = close + 1
                continue
            }
            literal.append(scalars[i])
            i += 1
        }
        if !literal.isEmpty { parts.append(.text(String(literal))) }
        return (Template(source: source, parts: parts), unknown)
    }

    private init(source: String, parts: [Part]) {
        self.source = source
        self.parts = parts
    }

    /// A template with no placeholders.
    public init(literal: String) {
        self.source = literal
        self.parts = literal.isEmpty ? [] : [.text(literal)]
    }

    /// The end of an identifier starting at `start`, or nil if there is none there.
    private static func wordEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var end = start
        while end < scalars.count, scalars[end].properties.isAlphabetic || scalars[end] == "_"
            || (end > start && ("0"..."9").contains(scalars[end]))
        {
            end += 1
        }
        return end > start ? end : nil
    }

    public var description: String { source }

    /// The text with each placeholder replaced by its value. A template that is JSON (it starts
    /// with `{"`, `{}` or `[`, as command payloads do) gets each value escaped for a JSON string,
    /// so a device named `a"b` cannot break or inject into the payload.
    public func render(_ values: (Placeholder) -> String) -> String {
        let json = isJSON
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .placeholder(let placeholder): out += json ? Self.jsonEscaped(values(placeholder)) : values(placeholder)
            }
        }
        return out
    }

    /// The template rendered as an MQTT topic: each placeholder's value must be one topic level
    /// (not empty, no `/`, `+`, `#` or NUL), so a name can neither move the command to another
    /// device's topic nor turn it into a wildcard.
    /// - Returns: the topic, or why it cannot be made (naming the placeholder).
    public func renderTopic(_ values: (Placeholder) -> String) -> Result<String, TopicLevelError> {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .placeholder(let placeholder):
                let value = values(placeholder)
                if let bad = value.unicodeScalars.first(where: { $0 == "/" || $0 == "+" || $0 == "#" || $0 == "\u{0}" }) {
                    return .failure(TopicLevelError(message: "{\(placeholder.rawValue)} is \"\(value.prefix(64))\", which holds '\(bad == "\u{0}" ? "NUL" : String(bad))': not one topic level"))
                }
                if value.isEmpty { return .failure(TopicLevelError(message: "{\(placeholder.rawValue)} is empty: not one topic level")) }
                out += value
            }
        }
        return .success(out)
    }

    /// Why ``renderTopic(_:)`` refused.
    public struct TopicLevelError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Whether the template is a JSON text (its placeholders sit in JSON strings or values).
    var isJSON: Bool {
        let visible = source.unicodeScalars.filter { !$0.properties.isWhitespace }
        guard let first = visible.first else { return false }
        if first == "[" { return true }
        guard first == "{", visible.count > 1 else { return false }
        let second = visible[visible.index(after: visible.startIndex)]
        return second == "\"" || second == "}"
    }

    /// `value` as the inside of a JSON string: `"` and `\` escaped, control characters as `\u00XX`.
    static func jsonEscaped(_ value: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
