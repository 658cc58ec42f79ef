/// A topic template that cannot be used, with the segment at fault.
public struct TopicTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case unknownPlaceholder = "unknown placeholder"
        case placeholderNotWholeSegment = "placeholder is not a whole segment"
        case duplicatePlaceholder = "duplicate placeholder"
        case missingDevice = "missing {device}"
        case wildcardInLiteral = "wildcard character in literal segment"
        case emptySegment = "empty segment"
        case missingDefaultSite = "template has no {site} and no default site was given"
    }

    public var code: Code
    /// The whole template as configured.
    public var template: String
    /// The offending segment (1-based index and text), when one is to blame.
    public var segment: (index: Int, text: String)?

    public var description: String {
        if let segment {
            return "topic template \"\(template)\": \(code.rawValue) in segment \(segment.index) \"\(segment.text)\""
        }
        return "topic template \"\(template)\": \(code.rawValue)"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.template == rhs.template
            && lhs.segment?.index == rhs.segment?.index && lhs.segment?.text == rhs.segment?.text
    }
}
