import Foundation
public import Yams

/// Reads typed values out of a YAML config by dotted key, with environment overrides.
///
/// Every key `a.b_c` may be overridden by the variable `HAETAE_A_B_C`. The reader remembers
/// which keys were asked for, so `finish()` can reject keys in the file (typos) and `HAETAE_`
/// variables in one of its sections (`HAETAE_MQTT_…` for an `mqtt.…` key) that match no key,
/// instead of silently ignoring them. Other `HAETAE_` variables belong to other programs
/// (`HAETAE_SIM_…`, `HAETAE_DEMO_…`, the core's `HAETAE_STORAGE_…` beside an edge) and are left alone.
public struct ConfigReader {
    public let path: String
    public let root: Node?
    public let environment: [String: String]
    /// `HAETAE_` variables that are not config keys but are read elsewhere (secrets).
    let extraEnvironment: Set<String>
    private(set) var knownKeys: Set<String> = []

    public init(path: String, text: String, environment: [String: String], extraEnvironment: Set<String> = []) throws(ConfigError) {
        self.path = path
        self.environment = environment
        self.extraEnvironment = extraEnvironment
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(source: .file(path: path, line: Self.line(of: error)), key: "", reason: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw ConfigError(source: .file(path: path, line: nil), key: "", reason: "not valid YAML: \(error)")
        }
        if let root, root.mapping == nil, !(root.scalar?.string.isEmpty ?? false) {
            throw ConfigError(source: .file(path: path, line: root.mark?.line), key: "", reason: "expected a mapping of sections (edge:, mqtt:, spool:, …)")
        }
    }

    public static func environmentName(of key: String) -> String {
        "HAETAE_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// The raw value of `key`: the environment override if set, else the YAML node.
    private mutating func lookup(_ key: String) throws(ConfigError) -> (value: RawValue, source: ConfigError.Source)? {
        knownKeys.insert(key)
        let variable = Self.environmentName(of: key)
        if let text = environment[variable] {
            return (.text(text), .environment(variable: variable))
        }
        var node = root
        for part in key.split(separator: ".") {
            guard let current = node else { return nil }
            guard let mapping = current.mapping else {
                throw ConfigError(
                    source: .file(path: path, line: current.mark?.line),
                    key: String(key.split(separator: ".").prefix { $0 != part }.joined(separator: ".")),
                    reason: "expected a mapping")
            }
            node = mapping[String(part)]
        }
        guard let node else { return nil }
        let source = ConfigError.Source.file(path: path, line: node.mark?.line)
        switch node {
        case .scalar(let scalar):
            // An explicit null (`key:` or `key: ~`) means "use the default".
            if scalar.style == .plain, ["", "~", "null"].contains(scalar.string) { return nil }
            return (.text(scalar.string), source)
        case .sequence(let sequence):
            var items: [String] = []
            for item in sequence {
                guard let text = item.scalar?.string else {
                    throw ConfigError(source: .file(path: path, line: item.mark?.line), key: key, reason: "expected a list of plain values")
                }
                items.append(text)
            }
            return (.list(items), source)
        case .mapping:
            throw ConfigError(source: source, key: key, reason: "expected a value, found a mapping")
        case .alias:
            throw ConfigError(source: source, key: key, reason: "aliases are not supported")
        }
    }

    enum RawValue {
        case text(String)
        case list([String])
    }

    /// Reads `key` and converts it; `parse` returns nil (or throws a reason) for bad values.
    public mutating func value<T>(_ key: String, default defaultValue: T, expected: String, _ parse: (String) throws -> T?) throws(ConfigError) -> T {
        guard let (raw, source) = try lookup(key) else { return defaultValue }
        guard case .text(let text) = raw else {
            throw ConfigError(source: source, key: key, reason: "expected \(expected), found a list")
        }
        do {
            if let parsed = try parse(text) { return parsed }
        } catch {
            throw ConfigError(source: source, key: key, reason: "\(error)")
        }
        throw ConfigError(source: source, key: key, reason: "expected \(expected), got \(Self.quoted(text))")
    }

    public mutating func string(_ key: String, default defaultValue: String) throws(ConfigError) -> String {
        try value(key, default: defaultValue, expected: "a string") { $0 }
    }

    public mutating func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        try value(key, default: defaultValue, expected: "an integer from \(range.lowerBound) to \(range.upperBound)") {
            Int($0.replacingOccurrences(of: "_", with: "")).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    public mutating func bool(_ key: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        try value(key, default: defaultValue, expected: "true or false") {
            switch $0.lowercased() {
            case "true", "yes", "on", "1": true
            case "false", "no", "off", "0": false
            default: nil
            }
        }
    }

    public mutating func duration(_ key: String, default defaultValue: Duration, minimum: Duration = .zero, maximum: Duration = .seconds(100 * 365 * 86_400)) throws(ConfigError) -> Duration {
        try value(key, default: defaultValue, expected: "a duration like 50ms, 30s, 5m, 1h (from \(minimum) to \(maximum))") {
            ConfigUnits.duration($0).flatMap { $0 >= minimum && $0 <= maximum ? $0 : nil }
        }
    }

    public mutating func bytes(_ key: String, default defaultValue: Int64, minimum: Int64 = 0, maximum: Int64 = .max) throws(ConfigError) -> Int64 {
        let bound = maximum == .max ? "at least \(minimum) bytes" : "\(minimum) to \(maximum) bytes"
        return try value(key, default: defaultValue, expected: "a size like 65536, 64KiB, 512MiB, 1GiB (\(bound))") {
            ConfigUnits.bytes($0).flatMap { (minimum...maximum).contains($0) ? $0 : nil }
        }
    }

    public mutating func choice<T: RawRepresentable<String> & CaseIterable>(_ key: String, default defaultValue: T) throws(ConfigError) -> T {
        try value(key, default: defaultValue, expected: "one of " + T.allCases.map(\.rawValue).joined(separator: ", ")) {
            T(rawValue: $0.lowercased())
        }
    }

    /// A list; from the environment it is comma-separated.
    public mutating func list(_ key: String, default defaultValue: [String]) throws(ConfigError) -> [String] {
        guard let (raw, _) = try lookup(key) else { return defaultValue }
        switch raw {
        case .list(let items): return items
        case .text(let text): return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    /// The keys of the mapping at `key` in the file, in file order (for sections of named
    /// entries such as `webhooks:`); empty when absent. Marks `key` as known.
    public mutating func childKeys(_ key: String) throws(ConfigError) -> [String] {
        knownKeys.insert(key + ".")
        guard let node = node(at: key) else { return [] }
        if case .scalar(let scalar) = node, scalar.style == .plain, ["", "~", "null"].contains(scalar.string) { return [] }
        guard let mapping = node.mapping else {
            throw ConfigError(source: .file(path: path, line: node.mark?.line), key: key, reason: "expected a mapping of names to settings")
        }
        return mapping.keys.compactMap { $0.scalar?.string }
    }

    /// A problem with a value that is valid on its own but not with the rest, or a required key
    /// that is missing; then the line is that of the nearest enclosing key that is there
    /// (`webhooks.oncall:` for a missing `webhooks.oncall.secret_file`).
    public func error(_ key: String, _ reason: String) -> ConfigError {
        let variable = Self.environmentName(of: key)
        if environment[variable] != nil { return ConfigError(source: .environment(variable: variable), key: key, reason: reason) }
        return ConfigError(source: .file(path: path, line: line(of: key)), key: key, reason: reason)
    }

    /// Whether the file has `key` (whatever its value).
    public func contains(_ key: String) -> Bool {
        node(at: key) != nil
    }

    /// Rejects unknown keys in the file and unknown `HAETAE_` variables of this config's sections.
    public func finish() throws(ConfigError) {
        if let mapping = root?.mapping {
            try checkUnknown(mapping, prefix: "")
        }
        let knownVariables = Set(knownKeys.map(Self.environmentName(of:))).union(extraEnvironment)
        let sections = Set(knownKeys.compactMap { $0.split(separator: ".").first.map { Self.environmentName(of: String($0)) + "_" } })
        for variable in environment.keys.sorted()
        where variable.hasPrefix("HAETAE_") && !knownVariables.contains(variable) && sections.contains(where: { variable.hasPrefix($0) }) {
            throw ConfigError(source: .environment(variable: variable), key: "", reason: "not a config key (known: \(Self.suggestions(for: variable, among: knownVariables)))")
        }
    }

    private func checkUnknown(_ mapping: Node.Mapping, prefix: String) throws(ConfigError) {
        for (keyNode, valueNode) in mapping {
            let name = keyNode.scalar?.string ?? "?"
            let key = prefix.isEmpty ? name : prefix + "." + name
            if knownKeys.contains(key) { continue }
            if let nested = valueNode.mapping, knownKeys.contains(where: { $0.hasPrefix(key + ".") }) {
                try checkUnknown(nested, prefix: key)
                continue
            }
            let siblings = knownKeys.filter { $0.hasPrefix(prefix.isEmpty ? "" : prefix + ".") }
                .map { String($0.dropFirst(prefix.isEmpty ? 0 : prefix.count + 1).split(separator: ".")[0]) }
            throw ConfigError(
                source: .file(path: path, line: keyNode.mark?.line), key: key,
                reason: "unknown key (known here: \(Set(siblings).sorted().joined(separator: ", ")))")
        }
    }

    /// The line of `key`'s value, else of the deepest enclosing key present in the file.
    private func line(of key: String) -> Int? {
        if let line = node(at: key)?.mark?.line { return line }
        var line: Int?
        var node = root
        for part in key.split(separator: ".") {
            guard let mapping = node?.mapping,
                let (keyNode, value) = mapping.first(where: { $0.key.scalar?.string == String(part) })
            else { break }
            line = keyNode.mark?.line ?? line
            node = value
        }
        return line ?? root?.mark?.line
    }

    private func node(at key: String) -> Node? {
        var node = root
        for part in key.split(separator: ".") { node = node?.mapping?[String(part)] }
        return node
    }

    private static func suggestions(for variable: String, among known: Set<String>) -> String {
        let prefix = variable.split(separator: "_").prefix(2).joined(separator: "_")
        let close = known.filter { $0.hasPrefix(prefix) }.sorted()
        return (close.isEmpty ? known.sorted() : close).prefix(8).joined(separator: ", ")
    }

    private static func quoted(_ text: String) -> String {
        "\"" + (text.count > 60 ? String(text.prefix(60)) + "…" : text) + "\""
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _): problem
        default: "\(error)"
        }
    }
}
