import Yams

/// Reads a rule file (YAML) into a ``RuleSet``, reporting every problem with its line and column.
///
/// ```swift
/// do {
///     let rules = try RuleFileParser.parse(text: text, path: "rules.yaml")
/// } catch {
///     for problem in error.errors { print(problem) }   // rules.yaml:7:18: expected …
/// }
/// ```
/// An empty file, or one with `rules:` and nothing under it, is valid and has no rules.
public enum RuleFileParser {
    /// The keys a rule may have.
    static let ruleKeys = ["actions", "annotations", "clear", "for", "group_by", "labels", "match", "name", "repeat", "severity", "when"]

    /// Parses and validates `text`; `path` is only used in error messages.
    public static func parse(text: String, path: String) throws(RuleFileErrors) -> RuleSet {
        var reader = RuleFileReader(path: path, text: text)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw RuleFileErrors([reader.yamlError(error)])
        } catch {
            throw RuleFileErrors([RuleFileError(path: path, line: 1, column: 1, message: "not valid YAML: \(error)")])
        }
        let rules = reader.readRoot(root)
        guard reader.errors.isEmpty else {
            throw RuleFileErrors(reader.errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return RuleSet(rules: rules, receiverReferences: reader.receiverReferences)
    }
}
