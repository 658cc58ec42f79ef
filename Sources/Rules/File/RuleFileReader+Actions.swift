import Yams

extension RuleFileReader {
    /// `actions:` — a list of `webhook: NAME` and `mqtt: {topic, payload, qos}` items.
    mutating func readActions(_ node: Node, rule: String) -> [RuleAction] {
        if Self.isNull(node) { return [] }
        guard let sequence = node.sequence else {
            error(at: node, "'actions' expects a list of actions (webhook: NAME or mqtt: {topic: …}), found \(Self.kind(of: node))")
            return []
        }
        var actions: [RuleAction] = []
        for item in sequence {
            guard let mapping = item.mapping, mapping.count == 1, let (keyNode, value) = mapping.first(where: { _ in true }) else {
                error(at: item, "an action is a mapping with one key, webhook or mqtt")
                continue
            }
            guard let kind = string(keyNode, "webhook or mqtt") else { continue }
            switch kind {
            case "webhook":
                guard let receiver = string(value, "a webhook receiver name") else { continue }
                guard !receiver.isEmpty, !Self.isNull(value) else {
                    error(at: value, "webhook expects a receiver name")
                    continue
                }
                actions.append(.webhook(receiver: receiver))
                receiverReferences.append(.init(receiver: receiver, rule: rule, line: value.mark?.line ?? 0, column: value.mark?.column ?? 0))
            case "mqtt":
                if let action = readMQTT(value) { actions.append(action) }
            default:
                error(at: keyNode, "unknown action '\(kind)' (allowed: \(RuleAction.kinds.joined(separator: ", ")))")
            }
        }
        return actions
    }

    private mutating func readMQTT(_ node: Node) -> RuleAction? {
        guard let mapping = node.mapping else {
            error(at: node, "mqtt expects a mapping like {topic: …, payload: …, qos: 1}, found \(Self.kind(of: node))")
            return nil
        }
        var topic: Template?, payload = Template(literal: ""), qos = 0
        var loop = CommandLoopSettings()
        var ok = true
        for (key, _, value) in pairs(mapping, allowed: RuleAction.mqttKeys, context: " in an mqtt action") {
            switch key {
            case "confirm":
                if let confirm = readConfirm(value) { loop.confirm = confirm } else { ok = false }
            case "cooldown":
                if let millis = duration(value, key: "cooldown", allowZero: true) { loop.cooldownMillis = millis } else { ok = false }
            case "topic":
                topic = template(value)
                if topic == nil { ok = false }
            case "payload":
                if let parsed = template(value) { payload = parsed } else { ok = false }
            default:
                guard let text = string(value, "a QoS") else { ok = false; continue }
                guard let level = Int(text), (0...2).contains(level) else {
                    error(at: value, "qos must be 0, 1 or 2, got '\(text)'")
                    ok = false
                    continue
                }
                qos = level
            }
        }
        guard ok else { return nil }
        guard let topic else {
            error(at: node, "mqtt action has no 'topic'")
            return nil
        }
        if topic.source.isEmpty {
            error(at: node, "mqtt action has an empty 'topic'")
            return nil
        }
        return .mqtt(topic: topic, payload: payload, qos: qos, loop: loop)
    }

    /// `confirm: {topic, payload, within, retries}`: topic and within required.
    private mutating func readConfirm(_ node: Node) -> CommandLoopSettings.Confirmation? {
        guard let mapping = node.mapping else {
            error(at: node, "confirm expects a mapping like {topic: …, payload: stopped, within: 5s, retries: 2}, found \(Self.kind(of: node))")
            return nil
        }
        var topic: Template?, payload = "", within: Int64?, retries = 2
        var ok = true
        for (key, _, value) in pairs(mapping, allowed: CommandLoopSettings.confirmKeys, context: " in confirm") {
            switch key {
            case "topic":
                topic = template(value)
                if topic == nil { ok = false }
            case "payload":
                if let text = string(value, "the text a confirming payload contains") { payload = text } else { ok = false }
            case "within":
                within = duration(value, key: "within", allowZero: false)
                if within == nil { ok = false }
            default:
                guard let text = string(value, "a number of retries"), let count = Int(text), (0...CommandLoopSettings.maxRetries).contains(count) else {
                    error(at: value, "retries must be a whole number from 0 to \(CommandLoopSettings.maxRetries)")
                    ok = false
                    continue
                }
                retries = count
            }
        }
        guard ok else { return nil }
        guard let topic, !topic.source.isEmpty else {
            error(at: node, "confirm has no 'topic'")
            return nil
        }
        guard let within else {
            error(at: node, "confirm has no 'within' (how long to wait for the reply)")
            return nil
        }
        return CommandLoopSettings.Confirmation(topic: topic, payload: payload, withinMillis: within, retries: retries)
    }
}
