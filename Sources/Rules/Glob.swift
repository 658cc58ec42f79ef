/// A shell-style pattern: `*` matches any run of characters (also none), `?` exactly one.
///
/// Globs are only evaluated when a series is registered, never per reading, so this favours
/// clarity over speed.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let scalars: [Unicode.Scalar]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.scalars = Array(pattern.unicodeScalars)
    }

    /// True for `*`, which matches everything and needs no evaluation.
    public var matchesEverything: Bool { pattern == "*" }

    public var description: String { pattern }

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        // The common shapes, without building arrays: `exact` and `prefix*`.
        let wildcards = scalars.lazy.filter { $0 == "*" || $0 == "?" }.count
        if wildcards == 0 { return text == pattern }
        if wildcards == 1, pattern.last == "*" { return text.unicodeScalars.starts(with: scalars.dropLast()) }
        let text = Array(text.unicodeScalars)
        var p = 0, t = 0
        // The position after the last `*` and the text position it was tried at: on a mismatch,
        // let that star swallow one more character (linear-time backtracking for single stars).
        var star: Int? = nil, starText = 0
        while t < text.count {
            if p < scalars.count, scalars[p] == "?" || (scalars[p] != "*" && scalars[p] == text[t]) {
                p += 1
                t += 1
            } else if p < scalars.count, scalars[p] == "*" {
                star = p
                starText = t
                p += 1
            } else if let star {
                p = star + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}
