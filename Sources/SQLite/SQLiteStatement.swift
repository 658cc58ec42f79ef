import CSQLite

/// A prepared statement; owns its `sqlite3_stmt *` and finalizes it in `deinit`.
///
/// Parameters are numbered from 1, columns from 0, as in SQLite's C API.
public final class SQLiteStatement {
    let handle: OpaquePointer
    // Keeps the connection open for as long as a statement exists.
    let connection: SQLiteConnection
    /// The SQL this statement was compiled from.
    public let sql: String

    init(handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    private func check(_ rc: Int32, _ call: StaticString) throws(SQLiteError) {
        try connection.check(rc, call, sql: sql)
    }

    // MARK: Binding

    public func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value), "sqlite3_bind_int64")
    }

    public func bind(_ value: Int, at index: Int32) throws(SQLiteError) {
        try bind(Int64(value), at: index)
    }

    public func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value), "sqlite3_bind_double")
    }

    public func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        // With the byte length, not -1: text may contain NUL bytes, which must not cut it short.
        var value = value
        let rc = value.withUTF8 { utf8 in
            UnsafeRawBufferPointer(utf8).withMemoryRebound(to: CChar.self) { text in
                // An empty string may have no base address; SQLite would bind NULL for nil.
                text.isEmpty
                    ? sqlite3_bind_text(handle, index, "", 0, nil)
                    : sqlite3_bind_text(handle, index, text.baseAddress, Int32(text.count), haetae_sqlite_transient())
            }
        }
        try check(rc, "sqlite3_bind_text")
    }

    /// Binds bytes as a BLOB; SQLite copies them before returning.
    public func bind(blob bytes: UnsafeRawBufferPointer, at index: Int32) throws(SQLiteError) {
        // A zero-length buffer may have a nil base address, which SQLite would read as NULL.
        let rc = bytes.isEmpty
            ? sqlite3_bind_zeroblob(handle, index, 0)
            : sqlite3_bind_blob64(handle, index, bytes.baseAddress, sqlite3_uint64(bytes.count), haetae_sqlite_transient())
        try check(rc, "sqlite3_bind_blob64")
    }

    public func bind(blob bytes: [UInt8], at index: Int32) throws(SQLiteError) {
        let rc = bytes.withUnsafeBytes { raw in
            raw.isEmpty
                ? sqlite3_bind_zeroblob(handle, index, 0)
                : sqlite3_bind_blob64(handle, index, raw.baseAddress, sqlite3_uint64(raw.count), haetae_sqlite_transient())
        }
        try check(rc, "sqlite3_bind_blob64")
    }

    public func bindNull(at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index), "sqlite3_bind_null")
    }

    public func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try bind(blob: v, at: index)
        }
    }

    /// Binds each value to parameters 1, 2, … in order.
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    // MARK: Running

    /// Advances to the next row; `true` while a row is available, `false` when done.
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        try check(rc, "sqlite3_step")
        return false
    }

    /// Runs the statement to completion, then resets it for reuse (bindings are kept).
    public func run() throws(SQLiteError) {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Resets the statement so it can run again; bindings are kept.
    public func reset() {
        sqlite3_reset(handle)
    }

    // MARK: Columns of the current row

    public func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    public func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    public func double(at column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    public func string(at column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Calls `body` with the column's bytes, valid only during the call (no copy).
    public func withBlob<T>(at column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let base = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }

    public func blob(at column: Int32) -> [UInt8] {
        withBlob(at: column) { Array($0) }
    }
}
