/// The rules of one rule file, compiled and validated.
///
/// ```swift
/// let rules = try RuleFileParser.parse(text: yaml, path: "rules.yaml")
/// for name in rules.referencedReceivers where !config.receivers.keys.contains(name) { … }
/// let engine = RuleEngine(rules: rules)
/// ```
public struct RuleSet: Sendable {
    /// Where a rule names a webhook receiver, so the caller can check it against its config.
    public struct ReceiverReference: Sendable, Hashable {
        public var receiver: String
        public var rule: String
        public var line: Int
        public var column: Int
    }

    /// In file order; the index of a rule here is its ``AlertEvent/ruleIndex``.
    public let rules: [Rule]
    /// Every `webhook:` action, in file order.
    public let receiverReferences: [ReceiverReference]

    /// The distinct webhook receiver names the rules use.
    public var referencedReceivers: Set<String> { Set(receiverReferences.map(\.receiver)) }

    /// No rules: every reading is ignored.
    public static let empty = RuleSet(rules: [], receiverReferences: [])

    init(rules: [Rule], receiverReferences: [ReceiverReference]) {
        self.rules = rules
        self.receiverReferences = receiverReferences
    }
}
