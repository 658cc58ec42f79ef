/// The parsed form of an expression, before compilation; every node knows where it was written.
struct Syntax: Sendable {
    indirect enum Kind: Sendable {
        case number(Double)
        case value
        case sensor(String)
        case window(WindowFunction, millis: Int64)
        case absent(millis: Int64)
        case negate(Syntax)
        case arithmetic(ArithmeticOperator, Syntax, Syntax)
        case comparison(ComparisonOperator, Syntax, Syntax)
        case logical(LogicalOperator, Syntax, Syntax)
        case not(Syntax)
    }

    enum ArithmeticOperator: String, Sendable { case add = "+", subtract = "-", multiply = "*", divide = "/" }
    enum ComparisonOperator: String, Sendable {
        case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<=", equal = "==", notEqual = "!="
    }
    enum LogicalOperator: String, Sendable { case and, or }

    /// A number or a condition (true/false); the two never mix.
    enum ValueType: Sendable, Equatable {
        case number, condition

        var phrase: String { self == .number ? "a number" : "a condition" }
    }

    var kind: Kind
    /// Offset of the node's first token (or of its operator, for binary nodes).
    var offset: Int

    var type: ValueType {
        switch kind {
        case .number, .value, .sensor, .window, .negate, .arithmetic: .number
        case .absent, .comparison, .logical, .not: .condition
        }
    }
}
