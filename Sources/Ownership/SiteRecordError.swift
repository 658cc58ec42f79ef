internal import Foundation

/// Why a record on the site broker (``OwnerRecord``, ``HandedOverAlert``, ``HandedOverWatch``)
/// was not taken: one error for every codec of this module, naming the field where it can.
public enum SiteRecordError: Error, Equatable, CustomStringConvertible {
    /// An empty payload (a cleared retained message).
    case empty
    /// More bytes than the record's bound.
    case tooLarge(Int)
    case malformed(String)
    case field(String, String)

    public var description: String {
        switch self {
        case .empty: "site record: empty payload"
        case .tooLarge(let bytes): "site record: \(bytes) bytes, more than its bound"
        case .malformed(let detail): "site record: \(detail)"
        case .field(let name, let detail): "site record: field \(name): \(detail)"
        }
    }

    /// What JSONDecoder said, in words that name the field (`series[3].t`).
    static func malformed(_ error: any Error) -> SiteRecordError {
        switch error {
        case DecodingError.keyNotFound(let key, let context): .malformed("field \(path(context.codingPath + [key])) missing")
        case DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty: .malformed("not a JSON object")
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            .malformed("field \(path(context.codingPath)): wrong type")
        default: .malformed("not a valid JSON record (numbers: whole, 0 or more)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { path, key in
            if let index = key.intValue { return "\(path)[\(index)]" }
            return path.isEmpty ? key.stringValue : "\(path).\(key.stringValue)"
        }
    }
}
