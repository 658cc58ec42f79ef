import Clocks
import Yams

/// Walks the YAML nodes of one rule file, collecting rules and every error found on the way.
struct RuleFileReader {
    let path: String
    /// The file's lines, to locate text inside block scalars.
    let lines: [Substring]
    var errors: [RuleFileError] = []
    var receiverReferences: [RuleSet.ReceiverReference] = []

    init(path: String, text: String) {
        self.path = path
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    // MARK: - Errors

    mutating func error(at node: Node?, _ message: String) {
        let mark = node?.mark
        errors.append(RuleFileError(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// An error at `offset` (in Unicode scalars) inside the text of a scalar node.
    ///
    /// Exact for plain and single-line quoted scalars; for block scalars (`|`, `>`) the line is
    /// found by counting newlines and the column from the block's indentation, which is exact
    /// for `|` and close for `>`.
    mutating func error(in node: Node, offset: Int, _ message: String) {
        guard let mark = node.mark, let scalar = node.scalar else { return error(at: node, message) }
        let before = scalar.string.unicodeScalars.prefix(offset)
        switch scalar.style {
        case .literal, .folded:
            let newlines = before.filter { $0 == "\n" }.count
            let line = mark.line + 1 + newlines
            // The block's indentation is that of its first line; the scalar keeps any more.
            let firstLine = mark.line  // 0-based index of the line after the `|` / `>` indicator
            let indent = firstLine < lines.count ? lines[firstLine].prefix { $0 == " " }.count : 0
            let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0)
            errors.append(RuleFileError(path: path, line: line, column: indent + column + 1, message: message))
        case .singleQuoted, .doubleQuoted:
            errors.append(RuleFileError(path: path, line: mark.line, column: mark.column + 1 + offset, message: message))
        default:
            errors.append(RuleFileError(path: path, line: mark.line, column: mark.column + offset, message: message))
        }
    }

    func yamlError(_ error: YamlError) -> RuleFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            RuleFileError(path: path, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
        default:
            RuleFileError(path: path, line: 1, column: 1, message: "not valid YAML: \(error)")
        }
    }

    // MARK: - Scalars

    /// The text of a scalar, or nil (with an error) for a mapping, list or alias.
    mutating func string(_ node: Node, _ what: String) -> String? {
        guard let scalar = node.scalar else {
            error(at: node, "expected \(what), found \(Self.kind(of: node))")
            return nil
        }
        return scalar.string
    }

    /// True for `key:` with nothing after it, or `~` / `null`.
    static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .scalar: "a value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// A duration in milliseconds (`0` is allowed without a unit).
    mutating func duration(_ node: Node, key: String, allowZero: Bool) -> Int64? {
        guard let text = string(node, DurationText.expected) else { return nil }
        if allowZero, text == "0" { return 0 }
        guard let millis = DurationText.millis(text) else {
            error(at: node, "'\(key)' expects \(DurationText.expected), got '\(text)'")
            return nil
        }
        if !allowZero, millis == 0 {
            error(at: node, "'\(key)' must be longer than zero")
            return nil
        }
        return millis
    }

    /// The pairs of a mapping, reporting keys that are not in `allowed` or appear twice.
    mutating func pairs(_ mapping: Node.Mapping, allowed: [String], context: String) -> [(key: String, keyNode: Node, value: Node)] {
        var seen: Set<String> = []
        var result: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = string(keyNode, "a key") else { continue }
            guard allowed.contains(key) else {
                error(at: keyNode, "unknown key '\(key)'\(context) (allowed: \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            guard seen.insert(key).inserted else {
                error(at: keyNode, "duplicate key '\(key)'\(context)")
                continue
            }
            result.append((key, keyNode, value))
        }
        return result
    }

    /// A mapping of plain strings (labels).
    mutating func stringMap(_ node: Node, key: String) -> [String: String] {
        if Self.isNull(node) { return [:] }
        guard let mapping = node.mapping else {
            error(at: node, "'\(key)' expects a mapping of names to text, found \(Self.kind(of: node))")
            return [:]
        }
        var result: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard let name = string(keyNode, "a name"), let value = string(valueNode, "text") else { continue }
            if result.updateValue(value, forKey: name) != nil { error(at: keyNode, "duplicate key '\(name)' in '\(key)'") }
        }
        return result
    }

    /// A template, reporting each unknown placeholder at its position.
    mutating func template(_ node: Node) -> Template? {
        guard let text = string(node, "text") else { return nil }
        let (template, unknown) = Template.parse(text)
        for placeholder in unknown {
            let known = Template.Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: " ")
            error(in: node, offset: placeholder.offset, "unknown placeholder '{\(placeholder.name)}' (known: \(known))")
        }
        return unknown.isEmpty ? template : nil
    }
}
