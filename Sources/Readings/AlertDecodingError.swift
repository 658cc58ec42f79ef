/// An alert that cannot be read, with where and why (`alerts[2].started_at: expected an RFC 3339
/// time or epoch ms between 1970 and 9999`); safe to log and to answer with (no payload bytes).
public struct AlertDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The member, from the top of the body: `data.value`, `alerts[2].labels.zone`, `edge`.
    public var path: String
    public var message: String

    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
