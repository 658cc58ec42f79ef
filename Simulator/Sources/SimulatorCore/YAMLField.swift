internal import Yams

/// One YAML node on its way into the model: knows its key path and file, so every error it
/// throws names file, line and key.
struct YAMLField {
    let node: Node
    let path: String
    let file: String

    /// An error located at this node.
    func error(_ message: String) -> ScenarioError {
        ScenarioError(file: file, line: node.mark?.line, key: path, message: message)
    }

    /// A short, quoted rendering of the node for messages (`"fast"`, `a list`, `a mapping`).
    var shown: String {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            return "\"\(text)\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }

    /// The members of a mapping, checked against the keys allowed here.
    /// - Parameters:
    ///   - allowed: every key that may appear.
    ///   - required: the keys that must appear.
    func members(allowed: [String], required: [String] = []) throws(ScenarioError) -> YAMLMembers {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, got \(shown)") }
        var entries: [(key: String, value: YAMLField)] = []
        for (keyNode, valueNode) in mapping {
            let keyField = YAMLField(node: keyNode, path: path, file: file)
            guard case .scalar(let scalar) = keyNode else { throw keyField.error("keys must be plain text") }
            let key = scalar.string
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                throw ScenarioError(
                    file: file, line: keyNode.mark?.line, key: childPath,
                    message: "unknown key (expected one of: \(allowed.joined(separator: ", ")))")
            }
            guard !entries.contains(where: { $0.key == key }) else {
                throw ScenarioError(file: file, line: keyNode.mark?.line, key: childPath, message: "duplicate key")
            }
            entries.append((key, YAMLField(node: valueNode, path: childPath, file: file)))
        }
        for key in required where !entries.contains(where: { $0.key == key }) {
            throw ScenarioError(
                file: file, line: node.mark?.line, key: path.isEmpty ? key : "\(path).\(key)",
                message: "missing (required)")
        }
        return YAMLMembers(entries: entries, owner: self)
    }

    /// The elements of a sequence.
    func elements() throws(ScenarioError) -> [YAMLField] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, got \(shown)") }
        return sequence.enumerated().map { YAMLField(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    /// The text of a scalar.
    func string() throws(ScenarioError) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw error("expected text, got \(shown)")
        }
        return scalar.string
    }

    /// A name usable as one MQTT topic segment (no `/`, `+`, `#`, `{`, `}` or spaces).
    func topicSegment() throws(ScenarioError) -> String {
        let text = try string()
        guard !text.contains(where: { "/+#{} \t".contains($0) }) else {
            throw error("expected a name without '/', '+', '#', braces or spaces, got \(shown)")
        }
        return text
    }

    /// A finite number within `range`; `expected` completes "expected a number …".
    func number(_ range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                expected: String = "") throws(ScenarioError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string.trimmed), value.isFinite,
            range.contains(value)
        else { throw error("expected a number\(expected.isEmpty ? "" : " " + expected), got \(shown)") }
        return value
    }

    /// A number strictly greater than zero.
    func positiveNumber() throws(ScenarioError) -> Double {
        let value = try number(0...Double.greatestFiniteMagnitude, expected: "> 0")
        guard value > 0 else { throw error("expected a number > 0, got \(shown)") }
        return value
    }

    /// A fraction in 0…1.
    func fraction() throws(ScenarioError) -> Double {
        try number(0...1, expected: "between 0 and 1")
    }

    /// A whole number within `range`.
    func integer(_ range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string.trimmed), range.contains(value) else {
            let bounds = range.upperBound == Int.max ? "≥ \(range.lowerBound)" : "in \(range.lowerBound)…\(range.upperBound)"
            throw error("expected an integer \(bounds), got \(shown)")
        }
        return value
    }

    /// A duration in seconds (`30s`, `500ms`, `5m`, a bare number of seconds).
    /// - Parameter allowZero: whether `0s` is accepted.
    func seconds(allowZero: Bool = false) throws(ScenarioError) -> Double {
        guard case .scalar(let scalar) = node, let value = Units.seconds(scalar.string),
            allowZero ? value >= 0 : value > 0
        else {
            throw error("expected a duration like 500ms, 30s, 5m or 1h\(allowZero ? "" : " (> 0)"), got \(shown)")
        }
        return value
    }

    /// A rate in readings per second (`10`, `10/s`, `50k/s`, `600/m`), > 0.
    func rate() throws(ScenarioError) -> Double {
        guard case .scalar(let scalar) = node, let value = Units.perSecond(scalar.string), value > 0 else {
            throw error("expected a rate > 0 like 10, 10/s or 50k/s, got \(shown)")
        }
        return value
    }
}

/// The checked members of a YAML mapping, in file order.
struct YAMLMembers {
    let entries: [(key: String, value: YAMLField)]
    let owner: YAMLField

    subscript(key: String) -> YAMLField? {
        entries.first { $0.key == key }?.value
    }

    /// A member that `members(allowed:required:)` already guaranteed to exist.
    func required(_ key: String) throws(ScenarioError) -> YAMLField {
        guard let field = self[key] else {
            throw ScenarioError(
                file: owner.file, line: owner.node.mark?.line,
                key: owner.path.isEmpty ? key : "\(owner.path).\(key)", message: "missing (required)")
        }
        return field
    }
}
