/// A device name pattern: literal text with `{n}` (the device number) or `{n:02}` (zero-padded
/// to two digits; any width 1…9).
///
/// ```swift
/// try NamePattern("press-{n:02}").name(3)  // "press-03"
/// ```
public struct NamePattern: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let prefix: String
    private let suffix: String
    /// Zero-padding width, or nil when the pattern has no `{n}`.
    private let width: Int?

    /// Parses a pattern. The error is a short message; the caller adds where.
    public init(_ pattern: String) throws(NamePatternError) {
        self.pattern = pattern
        guard let open = pattern.firstIndex(of: "{") else {
            guard !pattern.contains("}") else { throw NamePatternError(message: "unbalanced '}'") }
            prefix = pattern
            suffix = ""
            width = nil
            return
        }
        guard let close = pattern[open...].firstIndex(of: "}") else { throw NamePatternError(message: "unclosed '{'") }
        let inner = pattern[pattern.index(after: open)..<close]
        switch inner {
        case "n": width = 0
        case _ where inner.hasPrefix("n:0") && inner.count == 4:
            guard let digits = Int(inner.dropFirst(3)), (1...9).contains(digits) else {
                throw NamePatternError(message: "expected {n} or {n:0W} with W in 1…9, got {\(inner)}")
            }
            width = digits
        default:
            throw NamePatternError(message: "expected {n} or {n:0W}, got {\(inner)}")
        }
        prefix = String(pattern[..<open])
        suffix = String(pattern[pattern.index(after: close)...])
        guard !suffix.contains("{"), !suffix.contains("}") else {
            throw NamePatternError(message: "only one {n} placeholder is allowed")
        }
    }

    /// Whether the pattern numbers its devices (has `{n}`).
    public var isNumbered: Bool { width != nil }

    /// The name of device number `n` (1-based).
    public func name(_ n: Int) -> String {
        guard let width else { return prefix }
        var digits = String(n)
        if digits.count < width { digits = String(repeating: "0", count: width - digits.count) + digits }
        return prefix + digits + suffix
    }

    public var description: String { pattern }
}

/// Why a ``NamePattern`` could not be parsed.
public struct NamePatternError: Error, Sendable, Equatable {
    /// What is wrong with the pattern.
    public var message: String
}
