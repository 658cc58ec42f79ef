/// One lexical token of a rule expression, with where it starts in the expression text.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case number(Double)
        /// A number with a unit, e.g. `5s`; only valid as a window function argument.
        case duration(millis: Int64)
        /// An identifier or keyword: `value`, `and`, `or`, `not`, a sensor or function name.
        case word(String)
        /// An operator or punctuation: `+ - * / > >= < <= == != ( ) ,`.
        case symbol(String)
        case end
    }

    var kind: Kind
    /// The token as written, for error messages.
    var text: String
    /// Offset of the first character in Unicode scalars from the start of the expression.
    var offset: Int

    /// How the token reads in an error message: `'>'`, or "the end of the expression".
    var quoted: String {
        if case .end = kind { return "the end of the expression" }
        return "'\(text)'"
    }
}

/// A problem in one expression, at a scalar offset into its text.
struct ExpressionError: Error, Sendable, Equatable {
    var offset: Int
    var message: String
}
