import Readings
import Yams

extension RuleFileReader {
    /// The document: a mapping with one key, `rules`, holding a list of rules.
    mutating func readRoot(_ root: Node?) -> [Rule] {
        guard let root, !Self.isNull(root) else { return [] }
        guard let mapping = root.mapping else {
            error(at: root, "expected a mapping with a 'rules' list, found \(Self.kind(of: root))")
            return []
        }
        var rules: [Rule] = []
        for (_, _, value) in pairs(mapping, allowed: ["rules"], context: " at the top level") {
            if Self.isNull(value) { continue }
            guard let sequence = value.sequence else {
                error(at: value, "'rules' expects a list of rules, found \(Self.kind(of: value))")
                continue
            }
            var firstLine: [String: Int] = [:]
            for item in sequence {
                guard let (rule, nameNode) = readRule(item) else { continue }
                if let line = firstLine[rule.name] {
                    error(at: nameNode, "duplicate rule name '\(rule.name)' (first defined at line \(line))")
                    continue
                }
                firstLine[rule.name] = nameNode.mark?.line ?? 0
                rules.append(rule)
            }
        }
        return rules
    }

    /// One rule; nil (with errors recorded) if anything in it is wrong.
    private mutating func readRule(_ node: Node) -> (Rule, Node)? {
        guard let mapping = node.mapping else {
            error(at: node, "expected a rule (a mapping with name, match, when, …), found \(Self.kind(of: node))")
            return nil
        }
        let errorsBefore = errors.count
        let fields = pairs(mapping, allowed: RuleFileParser.ruleKeys, context: " in a rule")
        func field(_ key: String) -> Node? { fields.first { $0.key == key }?.value }

        var name = ""
        if let node = field("name"), let text = string(node, "a rule name") {
            name = text
            if text.isEmpty || Self.isNull(node) { error(at: node, "the rule name is empty") }
            // The edge's own alerts (a failing spool) are named `edge:…`.
            if text.hasPrefix("edge:") { error(at: node, "rule names starting with 'edge:' are reserved for the edge's own alerts") }
            if text.hasPrefix("core:") { error(at: node, "rule names starting with 'core:' are reserved for the core's own alarms") }
            // Alerts and stop-command records carry the name to the core, which takes names of at most this size.
            if text.utf8.count > AlertCodec.maxNameBytes {
                error(at: node, "the rule name is longer than \(AlertCodec.maxNameBytes) bytes")
            }
        } else if field("name") == nil {
            error(at: node, "rule has no 'name'")
        }
        let context = name.isEmpty ? "the rule" : "rule '\(name)'"

        var symbols = RuleSymbols()
        var whenCode: CompiledExpression?
        var clearCode: CompiledExpression?
        if let node = field("when") {
            whenCode = expression(node, key: "when", symbols: &symbols)
        } else {
            error(at: node, "\(context) has no 'when' condition")
        }
        if let node = field("clear") { clearCode = expression(node, key: "clear", symbols: &symbols) }

        let match = field("match").map { readMatch($0) } ?? SeriesMatch()
        let holdMillis = field("for").flatMap { duration($0, key: "for", allowZero: true) } ?? 0
        let repeatMillis = field("repeat").flatMap { duration($0, key: "repeat", allowZero: false) }
        var severity = Severity.warning
        if let node = field("severity"), let text = string(node, "a severity") {
            if let parsed = Severity(rawValue: text) {
                severity = parsed
            } else {
                error(at: node, "unknown severity '\(text)' (allowed: info, warning, critical)")
            }
        }
        var groupBy: AlarmGrouping?
        if let node = field("group_by"), let text = string(node, "a grouping") {
            if let parsed = AlarmGrouping(rawValue: text) {
                groupBy = parsed
            } else {
                error(at: node, "unknown group_by '\(text)' (allowed: \(AlarmGrouping.expected))")
            }
        }
        let labels = field("labels").map { stringMap($0, key: "labels") } ?? [:]
        let annotations = field("annotations").map { readAnnotations($0) } ?? [:]
        let actions = field("actions").map { readActions($0, rule: name) } ?? []

        guard errors.count == errorsBefore, let whenCode, let nameNode = field("name") else { return nil }
        let rule = Rule(
            name: name, match: match, when: field("when")?.scalar?.string ?? "", clear: field("clear")?.scalar?.string,
            severity: severity, labels: labels, annotations: annotations, actions: actions,
            fileLine: node.mark?.line ?? 0, groupBy: groupBy, holdMillis: holdMillis, repeatMillis: repeatMillis,
            whenCode: whenCode, clearCode: clearCode, symbols: symbols)
        // A group's alarm is one for all its members: its stop command cannot name one of them.
        if let grouping = rule.grouping, let actionsNode = field("actions") {
            for case .mqtt(let topic, _, _, let loop) in actions {
                let used = topic.placeholders.union(loop.confirm?.topic.placeholders ?? [])
                let below = used.intersection(grouping.memberPlaceholders).map { "{\($0.rawValue)}" }.sorted()
                guard !below.isEmpty else { continue }
                let why = groupBy == nil ? "rules with absent raise one alarm per device" : "group_by: \(grouping.rawValue) raises one alarm per \(grouping.rawValue)"
                error(at: actionsNode, "\(context): the mqtt topic uses \(below.joined(separator: ", ")), but \(why): name the \(grouping.rawValue) only, or add group_by: series")
                return nil
            }
        }
        return (rule, nameNode)
    }

    private mutating func expression(_ node: Node, key: String, symbols: inout RuleSymbols) -> CompiledExpression? {
        guard let text = string(node, "an expression") else { return nil }
        do {
            let syntax = try ExpressionParser.parse(text)
            return ExpressionCompiler.compile(syntax, symbols: &symbols)
        } catch {
            self.error(in: node, offset: error.offset, error.message)
            return nil
        }
    }

    private mutating func readMatch(_ node: Node) -> SeriesMatch {
        if Self.isNull(node) { return SeriesMatch() }
        guard let mapping = node.mapping else {
            error(at: node, "'match' expects a mapping like {device: \"furnace-*\", sensor: temperature}, found \(Self.kind(of: node))")
            return SeriesMatch()
        }
        var match = SeriesMatch()
        for (key, _, value) in pairs(mapping, allowed: SeriesMatch.keys, context: " in 'match'") {
            guard let pattern = string(value, "a pattern") else { continue }
            let glob = Glob(pattern)
            switch key {
            case "site": match.site = glob
            case "line": match.line = glob
            case "device": match.device = glob
            default: match.sensor = glob
            }
        }
        return match
    }

    private mutating func readAnnotations(_ node: Node) -> [String: Template] {
        if Self.isNull(node) { return [:] }
        guard let mapping = node.mapping else {
            error(at: node, "'annotations' expects a mapping of names to templates, found \(Self.kind(of: node))")
            return [:]
        }
        var result: [String: Template] = [:]
        for (keyNode, valueNode) in mapping {
            guard let name = string(keyNode, "a name"), let template = template(valueNode) else { continue }
            if result.updateValue(template, forKey: name) != nil { error(at: keyNode, "duplicate key '\(name)' in 'annotations'") }
        }
        return result
    }
}
