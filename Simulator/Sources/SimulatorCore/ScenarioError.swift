/// A scenario that cannot be used, with where it went wrong.
///
/// `description` reads `file:line: key.path: message`, for example
/// `seoul.yaml:14: sites[0].lines[1].devices[0].count: expected an integer ≥ 1, got "many"`.
public struct ScenarioError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The scenario file (or built-in name) as given to the parser.
    public var file: String
    /// The 1-based line of the offending node, when known.
    public var line: Int?
    /// The key path of the offending value (`sites[0].lines[1].name`); empty for the whole file.
    public var key: String
    /// What is wrong, quoting at most a short prefix of the offending text.
    public var message: String

    /// Creates an error; see the properties.
    public init(file: String, line: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !key.isEmpty { text += key + ": " }
        return text + message
    }
}
