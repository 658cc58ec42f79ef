/// Parses and type-checks one expression (recursive descent).
///
/// Precedence, loosest first: `or`, `and`, `not`, comparisons (not chainable), `+ -`, `* /`,
/// unary `-`. The result must be a condition; `absent(d)` may only stand at the top or as an
/// operand of `and` / `or`, because "not absent" or arithmetic on it has no useful meaning.
///
/// Rule files come from outside (a hot reload takes whatever is on disk), so expressions are
/// bounded before anything recurses over them: at most ``maxTokens`` tokens (so no syntax tree
/// is deeper than that) and ``maxNesting`` levels of parentheses, `not`, unary `-` and calls.
struct ExpressionParser {
    /// Most tokens in one expression; real rules use a few dozen.
    static let maxTokens = 512
    /// Deepest nesting of parentheses, `not`, unary `-` and function calls.
    static let maxNesting = 32

    private let tokens: [Token]
    private var position = 0
    private var nesting = 0

    /// Parses `text` into a condition.
    static func parse(_ text: String) throws(ExpressionError) -> Syntax {
        let tokens = try ExpressionLexer.tokens(text)
        guard tokens.count <= maxTokens + 1 else {  // + the end token
            throw ExpressionError(offset: tokens[maxTokens].offset, message: "expression too long: more than \(maxTokens) tokens")
        }
        var parser = ExpressionParser(tokens: tokens)
        if case .end = parser.current.kind {
            throw ExpressionError(offset: 0, message: "empty expression")
        }
        let syntax = try parser.parseOr()
        if case .end = parser.current.kind {} else {
            throw ExpressionError(
                offset: parser.current.offset,
                message: "unexpected \(parser.current.quoted) after the expression (missing 'and' / 'or'?)")
        }
        guard syntax.type == .condition else {
            throw ExpressionError(offset: syntax.offset, message: "expected a condition (a comparison, and/or/not or absent(…)), found a number")
        }
        try checkAbsentPlacement(syntax, allowed: true)
        return syntax
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Runs `body` one nesting level deeper, refusing to go past ``maxNesting``.
    private mutating func nested(at token: Token, _ body: (inout ExpressionParser) throws(ExpressionError) -> Syntax) throws(ExpressionError) -> Syntax {
        guard nesting < Self.maxNesting else {
            throw ExpressionError(offset: token.offset, message: "nested too deeply: more than \(Self.maxNesting) levels of parentheses, not, '-' or calls")
        }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    private var current: Token { tokens[position] }
    private var previous: Token? { position > 0 ? tokens[position - 1] : nil }

    private mutating func advance() -> Token {
        defer { position += 1 }
        return tokens[position]
    }

    private func isWord(_ word: String) -> Bool { current.kind == .word(word) }
    private func isSymbol(_ symbols: String...) -> String? {
        if case .symbol(let symbol) = current.kind, symbols.contains(symbol) { return symbol }
        return nil
    }

    private mutating func parseOr() throws(ExpressionError) -> Syntax {
        var left = try parseAnd()
        while isWord("or") {
            let op = advance()
            let right = try parseAnd()
            left = try logical(.or, left, right, op)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> Syntax {
        var left = try parseNot()
        while isWord("and") {
            let op = advance()
            let right = try parseNot()
            left = try logical(.and, left, right, op)
        }
        return left
    }

    private func logical(_ op: Syntax.LogicalOperator, _ left: Syntax, _ right: Syntax, _ token: Token) throws(ExpressionError) -> Syntax {
        for (side, operand) in [("left", left), ("right", right)] where operand.type != .condition {
            throw ExpressionError(offset: token.offset, message: "'\(op.rawValue)' needs a condition on both sides, found a number on the \(side)")
        }
        return Syntax(kind: .logical(op, left, right), offset: left.offset)
    }

    private mutating func parseNot() throws(ExpressionError) -> Syntax {
        guard isWord("not") else { return try parseComparison() }
        let token = advance()
        let operand = try nested(at: token) { (parser) throws(ExpressionError) in try parser.parseNot() }
        guard operand.type == .condition else {
            throw ExpressionError(offset: token.offset, message: "'not' needs a condition, found a number")
        }
        return Syntax(kind: .not(operand), offset: token.offset)
    }

    private mutating func parseComparison() throws(ExpressionError) -> Syntax {
        let left = try parseSum()
        guard let symbol = isSymbol(">", ">=", "<", "<=", "==", "!="), let op = Syntax.ComparisonOperator(rawValue: symbol) else {
            return left
        }
        let token = advance()
        let right = try parseSum()
        for (side, operand) in [("left", left), ("right", right)] where operand.type != .number {
            throw ExpressionError(offset: token.offset, message: "'\(symbol)' compares numbers, found a condition on the \(side)")
        }
        if isSymbol(">", ">=", "<", "<=", "==", "!=") != nil {
            throw ExpressionError(offset: current.offset, message: "comparisons cannot be chained; join them with 'and'")
        }
        return Syntax(kind: .comparison(op, left, right), offset: left.offset)
    }

    private mutating func parseSum() throws(ExpressionError) -> Syntax {
        var left = try parseProduct()
        while let symbol = isSymbol("+", "-"), let op = Syntax.ArithmeticOperator(rawValue: symbol) {
            let token = advance()
            left = try arithmetic(op, left, try parseProduct(), token)
        }
        return left
    }

    private mutating func parseProduct() throws(ExpressionError) -> Syntax {
        var left = try parseUnary()
        while let symbol = isSymbol("*", "/"), let op = Syntax.ArithmeticOperator(rawValue: symbol) {
            let token = advance()
            left = try arithmetic(op, left, try parseUnary(), token)
        }
        return left
    }

    private func arithmetic(_ op: Syntax.ArithmeticOperator, _ left: Syntax, _ right: Syntax, _ token: Token) throws(ExpressionError) -> Syntax {
        for (side, operand) in [("left", left), ("right", right)] where operand.type != .number {
            throw ExpressionError(offset: token.offset, message: "'\(op.rawValue)' needs numbers, found a condition on the \(side)")
        }
        return Syntax(kind: .arithmetic(op, left, right), offset: left.offset)
    }

    private mutating func parseUnary() throws(ExpressionError) -> Syntax {
        guard isSymbol("-") != nil else { return try parsePrimary() }
        let token = advance()
        let operand = try nested(at: token) { (parser) throws(ExpressionError) in try parser.parseUnary() }
        guard operand.type == .number else {
            throw ExpressionError(offset: token.offset, message: "'-' needs a number, found a condition")
        }
        // Fold `-5` into a constant: it is how negative numbers are written.
        if case .number(let number) = operand.kind { return Syntax(kind: .number(-number), offset: token.offset) }
        return Syntax(kind: .negate(operand), offset: token.offset)
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Syntax {
        let token = current
        switch token.kind {
        case .number(let number):
            position += 1
            return Syntax(kind: .number(number), offset: token.offset)
        case .duration:
            throw ExpressionError(offset: token.offset, message: "a duration like '\(token.text)' is only allowed as a function argument, e.g. avg(\(token.text))")
        case .word("value"):
            position += 1
            return Syntax(kind: .value, offset: token.offset)
        case .word("and"), .word("or"), .word("not"):
            throw expectedOperand()
        case .word(let name):
            position += 1
            if isSymbol("(") != nil { return try parseCall(name, token) }
            return Syntax(kind: .sensor(name), offset: token.offset)
        case .symbol("("):
            position += 1
            let inner = try nested(at: token) { (parser) throws(ExpressionError) in try parser.parseOr() }
            guard isSymbol(")") != nil else {
                throw ExpressionError(offset: current.offset, message: "expected ')' to close '(', found \(current.quoted)")
            }
            position += 1
            return Syntax(kind: inner.kind, offset: token.offset)
        case .symbol, .end:
            throw expectedOperand()
        }
    }

    /// "expected a number, … after '>'", pointing at the token where an operand should be.
    private func expectedOperand() -> ExpressionError {
        let what = "expected a number, a sensor name, 'value' or '('"
        if let previous {
            return ExpressionError(offset: current.offset, message: "\(what) after \(previous.quoted)")
        }
        return ExpressionError(offset: current.offset, message: "\(what), found \(current.quoted)")
    }

    /// `name(` has been read; parses the arguments of a window function or `absent`.
    private mutating func parseCall(_ name: String, _ nameToken: Token) throws(ExpressionError) -> Syntax {
        let function = WindowFunction.allCases.first { $0.name == name }
        guard function != nil || name == "absent" else {
            throw ExpressionError(
                offset: nameToken.offset,
                message: "unknown function '\(name)' (known: \(WindowFunction.allNames.joined(separator: ", ")))")
        }
        position += 1  // (
        var arguments: [(token: Token, millis: Int64?)] = []
        if isSymbol(")") == nil {
            while true {
                let token = current
                if case .duration(let millis) = token.kind {
                    position += 1
                    arguments.append((token, millis))
                } else {
                    _ = try nested(at: token) { (parser) throws(ExpressionError) in try parser.parseOr() }  // parsed only to find where it ends
                    arguments.append((token, nil))
                }
                if isSymbol(",") != nil {
                    position += 1
                    continue
                }
                break
            }
        }
        guard isSymbol(")") != nil else {
            throw ExpressionError(offset: current.offset, message: "expected ',' or ')' in the arguments of \(name)(…), found \(current.quoted)")
        }
        let close = advance()
        guard arguments.count == 1 else {
            throw ExpressionError(
                offset: arguments.count > 1 ? arguments[1].token.offset : close.offset,
                message: "\(name) takes 1 argument (a duration like 5s), got \(arguments.count)")
        }
        guard let millis = arguments[0].millis else {
            throw ExpressionError(offset: arguments[0].token.offset, message: "\(name) needs a duration like 5s, got \(arguments[0].token.quoted)")
        }
        guard millis > 0 else {
            throw ExpressionError(offset: arguments[0].token.offset, message: "\(name) needs a duration longer than zero")
        }
        if let function {
            return Syntax(kind: .window(function, millis: millis), offset: nameToken.offset)
        }
        return Syntax(kind: .absent(millis: millis), offset: nameToken.offset)
    }

    private static func checkAbsentPlacement(_ syntax: Syntax, allowed: Bool) throws(ExpressionError) {
        switch syntax.kind {
        case .absent:
            if !allowed {
                throw ExpressionError(offset: syntax.offset, message: "absent(…) may only be used on its own or joined with 'and' / 'or'")
            }
        case .logical(_, let left, let right):
            try checkAbsentPlacement(left, allowed: allowed)
            try checkAbsentPlacement(right, allowed: allowed)
        case .not(let operand), .negate(let operand):
            try checkAbsentPlacement(operand, allowed: false)
        case .arithmetic(_, let left, let right), .comparison(_, let left, let right):
            try checkAbsentPlacement(left, allowed: false)
            try checkAbsentPlacement(right, allowed: false)
        case .number, .value, .sensor, .window:
            break
        }
    }
}
