/// A failed SQLite call, with what was being done when it failed.
///
/// `description` is safe for logs: it names the C call, the result code, SQLite's message and
/// the SQL text (never bound values, which may carry payload bytes).
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_FULL`, …).
    public var code: Int32
    /// The extended result code, when SQLite reported one.
    public var extendedCode: Int32
    /// SQLite's own message for the failure.
    public var message: String
    /// The C function that failed, e.g. `sqlite3_step`.
    public var call: String
    /// The statement being run, if any.
    public var sql: String?
    /// The database file, if known.
    public var path: String?

    public init(code: Int32, extendedCode: Int32? = nil, message: String, call: String, sql: String? = nil, path: String? = nil) {
        self.code = code
        self.extendedCode = extendedCode ?? code
        self.message = message
        self.call = call
        self.sql = sql
        self.path = path
    }

    public var description: String {
        var text = "\(call) failed (\(code)"
        if extendedCode != code { text += "/\(extendedCode)" }
        text += "): \(message)"
        if let path { text += " [\(path)]" }
        if let sql { text += " in `\(sql.prefix(200))`" }
        return text
    }
}
