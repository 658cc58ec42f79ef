/// One problem in a rule file, with where it is.
///
/// `description` reads `rules.yaml:7:18: expected a number, …` so editors and CI logs can jump
/// to it. Line and column are 1-based; the column counts Unicode scalars, as YAML marks do.
public struct RuleFileError: Error, CustomStringConvertible, Sendable, Hashable {
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `PATH:LINE:COLUMN: message`.
    public var description: String { "\(path):\(line):\(column): \(message)" }
}

/// Every problem found in one rule file, in file order.
///
/// The parser keeps going after the first problem so that `rules check` shows them all at once.
public struct RuleFileErrors: Error, CustomStringConvertible, Sendable, Hashable {
    public var errors: [RuleFileError]

    public init(_ errors: [RuleFileError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
