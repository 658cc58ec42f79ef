import Foundation
public import Rules

/// Reads and checks a rule file the way the edge uses it: parsed and compiled by the `Rules`
/// module, and every `webhook:` action checked against the configured receivers.
public enum RulesLoader {
    /// - Throws: ``RuleFileErrors`` with `FILE:LINE:COLUMN: message` lines.
    public static func load(path: String, receivers: Set<String>?) throws(RuleFileErrors) -> RuleSet {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RuleFileErrors([RuleFileError(path: path, line: 1, column: 1, message: "cannot read the file (\(error.localizedDescription))")])
        }
        let rules = try RuleFileParser.parse(text: text, path: path)
        if let receivers {
            let unknown = rules.receiverReferences.filter { !receivers.contains($0.receiver) }
            if !unknown.isEmpty {
                let known = receivers.isEmpty ? "none are configured (webhooks: in the edge config)" : "configured: \(receivers.sorted().joined(separator: ", "))"
                throw RuleFileErrors(unknown.map {
                    RuleFileError(path: path, line: $0.line, column: $0.column, message: "rule \($0.rule): unknown webhook receiver \"\($0.receiver)\" (\(known))")
                })
            }
        }
        return rules
    }
}
