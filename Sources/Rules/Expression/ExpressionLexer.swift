import Clocks

/// Splits an expression into ``Token``s.
enum ExpressionLexer {
    static func tokens(_ text: String) throws(ExpressionError) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        func slice(_ from: Int, _ to: Int) -> String { String(String.UnicodeScalarView(scalars[from..<to])) }
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
            } else if isDigit(c) || (c == "." && i + 1 < scalars.count && isDigit(scalars[i + 1])) {
                let start = i
                while i < scalars.count, isDigit(scalars[i]) || scalars[i] == "." { i += 1 }
                // Exponents, for thresholds like 1e-3.
                if i < scalars.count, scalars[i] == "e" || scalars[i] == "E",
                    i + 1 < scalars.count, isDigit(scalars[i + 1]) || ((scalars[i + 1] == "-" || scalars[i + 1] == "+") && i + 2 < scalars.count && isDigit(scalars[i + 2]))
                {
                    i += 2
                    while i < scalars.count, isDigit(scalars[i]) { i += 1 }
                }
                let numberEnd = i
                while i < scalars.count, isWordPart(scalars[i]) { i += 1 }
                let text = slice(start, i)
                if i > numberEnd {
                    guard let millis = DurationText.millis(text) else {
                        throw ExpressionError(offset: start, message: "'\(text)' is neither a number nor \(DurationText.expected)")
                    }
                    tokens.append(Token(kind: .duration(millis: millis), text: text, offset: start))
                } else {
                    guard let number = Double(text) else {
                        throw ExpressionError(offset: start, message: "'\(text)' is not a number")
                    }
                    tokens.append(Token(kind: .number(number), text: text, offset: start))
                }
            } else if isWordStart(c) {
                let start = i
                while i < scalars.count, isWordPart(scalars[i]) { i += 1 }
                let word = slice(start, i)
                tokens.append(Token(kind: .word(word), text: word, offset: start))
            } else {
                let two = i + 1 < scalars.count ? slice(i, i + 2) : ""
                if [">=", "<=", "==", "!="].contains(two) {
                    tokens.append(Token(kind: .symbol(two), text: two, offset: i))
                    i += 2
                } else if "+-*/<>(),".unicodeScalars.contains(c) {
                    tokens.append(Token(kind: .symbol(String(c)), text: String(c), offset: i))
                    i += 1
                } else if c == "=" {
                    throw ExpressionError(offset: i, message: "unexpected '=' (use '==' to compare)")
                } else if c == "!" {
                    throw ExpressionError(offset: i, message: "unexpected '!' (use 'not' or '!=')")
                } else if c == "&" || c == "|" {
                    throw ExpressionError(offset: i, message: "unexpected '\(c)' (use 'and' / 'or')")
                } else {
                    throw ExpressionError(offset: i, message: "unexpected character '\(c)'")
                }
            }
        }
        tokens.append(Token(kind: .end, text: "", offset: scalars.count))
        return tokens
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    private static func isWordStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
    }
    private static func isWordPart(_ c: Unicode.Scalar) -> Bool { isWordStart(c) || isDigit(c) }
}
