/// A webhook secret that could not be parsed. Its `description` says what is wrong and where,
/// never what the secret is.
public struct WebhookSecretError: Error, Sendable, CustomStringConvertible {
    /// What is wrong; extendable without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public static let missingPrefix = Code(name: "missing whsec_ prefix")
        public static let empty = Code(name: "empty")
        public static let invalidCharacter = Code(name: "invalid base64 character")
        public static let invalidLength = Code(name: "invalid base64 length")
        public var description: String { name }
    }

    public var code: Code
    /// Length in bytes of the text examined (after trimming; after the prefix when present).
    public var length: Int
    /// Byte offset, after `whsec_`, of the first bad character.
    public var offset: Int?

    public var description: String {
        switch code {
        case .missingPrefix:
            return "webhook secret must be \"whsec_\" followed by base64; got \(length) characters without that prefix"
        case .empty:
            return "webhook secret is empty after \"whsec_\""
        case .invalidCharacter:
            return "webhook secret is not base64: invalid character at offset \(offset ?? 0) after \"whsec_\" (of \(length))"
        default:
            return "webhook secret is not base64: \(length) characters after \"whsec_\" cannot be decoded"
        }
    }
}
