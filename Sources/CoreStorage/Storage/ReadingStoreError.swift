public import Readings

/// A store operation that failed, with what was being done.
///
/// `description` is safe for logs: it names the operation and the offending key or value kind,
/// never whole payloads. Backend errors (``SQLite/SQLiteError``, `PSQLError`) pass through as they are.
public struct ReadingStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong; extendable without breaking callers that switch over known codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The batch breaks its own invariants (column lengths, `sid` range, non-finite values).
        public static let invalidBatch = Code("invalid batch")
        /// A dictionary batch uses series keys this store does not know (it lost the edge's
        /// dictionary, e.g. restored from a backup, or never had it): send them defined (HTTP 409).
        public static let unknownSeries = Code("unknown series")
        /// The batch's key `(edge, spool, seq)` was stored before with other readings: two spools
        /// share an id, or an edge of an older version restarted its numbering (HTTP 409).
        /// Nothing is stored; the edge keeps the batch.
        public static let batchConflict = Code("batch conflict")
        /// The query asks for something impossible (a step ≤ 0, an unknown series).
        public static let invalidQuery = Code("invalid query")
        /// The store's configuration (a database URL, a path) cannot work.
        public static let configuration = Code("configuration")
        /// The store was closed.
        public static let closed = Code("store closed")
        /// The database holds a schema this version does not know.
        public static let schema = Code("schema")
        /// The store cannot take work now: not opened yet, or another core holds the database.
        public static let unavailable = Code("store unavailable")

        public var description: String { name }
    }

    public var code: Code
    /// A short explanation naming the key, index or value involved.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

extension ReadingStoreError {
    /// ``Code/batchConflict`` for `batch`, naming its key.
    public static func conflict(_ batch: Batch) -> ReadingStoreError {
        ReadingStoreError(
            .batchConflict,
            "batch \(batch.idempotencyKey) was stored before with other readings: nothing stored (two spools share an id, or an edge that sends no spool id restarted its numbering)")
    }
}
