/// A batch body that cannot be stored, with what is wrong; safe to log (no payload bytes).
public struct BatchDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// Not JSON, or a member missing or of the wrong type.
        case invalidJSON = "invalid_json"
        /// A `series` entry that is not five strings.
        case invalidSeries = "invalid_series"
        /// `sid`, `ts`, `value` (and `dseq` when present) differ in length.
        case columnLengthMismatch = "column_length_mismatch"
        /// A `sid` that is not an index into `series`.
        case sidOutOfRange = "sid_out_of_range"
        /// More readings (or series) than the receiver accepts in one batch; decoding stopped there.
        case tooManyReadings = "too_many_readings"
    }

    public var code: Code
    /// What exactly, e.g. `"sid[3] = 7 but the batch has 2 series"`.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "batch \(code.rawValue): \(message)" }
}
