import CSQLite

/// One open SQLite database connection; owns its `sqlite3 *` handle and closes it in `deinit`.
///
/// A connection is used by one thread at a time (SQLite's "multi-thread" mode); it is not
/// `Sendable`. Open one connection per thread that needs the database.
///
/// ```swift
/// let db = try SQLiteConnection(path: "spool.db")
/// try db.execute("PRAGMA journal_mode=WAL")
/// let insert = try db.prepare("INSERT INTO t(x) VALUES (?)")
/// try db.transaction { try insert.bind(42, at: 1); try insert.run() }
/// ```
public final class SQLiteConnection {
    /// How to open the database.
    public enum Mode: Sendable {
        case readWriteCreate
        case readWrite
        case readOnly
    }

    let handle: OpaquePointer
    /// The file this connection opened.
    public let path: String

    /// Opens (and by default creates) the database at `path`.
    public init(path: String, mode: Mode = .readWriteCreate, busyTimeoutMillis: Int32 = 5_000) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc & 0xff, extendedCode: rc, message: message, call: "sqlite3_open_v2", path: path)
        }
        self.handle = db
        self.path = path
        sqlite3_busy_timeout(db, busyTimeoutMillis)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Every SQLite result code goes through here: anything but the expected codes becomes an
    /// `SQLiteError` naming the call.
    @discardableResult
    func check(_ rc: Int32, _ call: StaticString, sql: String? = nil, accept: Int32 = SQLITE_OK) throws(SQLiteError) -> Int32 {
        if rc == accept || rc == SQLITE_OK { return rc }
        throw SQLiteError(
            code: rc & 0xff, extendedCode: rc, message: String(cString: sqlite3_errmsg(handle)),
            call: "\(call)", sql: sql, path: path)
    }

    /// Runs one or more SQL statements that return no rows of interest.
    public func execute(_ sql: String) throws(SQLiteError) {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), "sqlite3_exec", sql: sql)
    }

    /// Compiles a statement for repeated use.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil), "sqlite3_prepare_v3", sql: sql)
        guard let statement else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "empty statement", call: "sqlite3_prepare_v3", sql: sql, path: path)
        }
        return SQLiteStatement(handle: statement, connection: self, sql: sql)
    }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE` … `COMMIT`), rolling back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs a query and returns the first column of the first row as an integer (0 when no row).
    /// Rows changed by the last INSERT, UPDATE or DELETE on this connection.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public func scalarInt(_ sql: String) throws(SQLiteError) -> Int64 {
        let statement = try prepare(sql)
        return try statement.step() ? statement.int64(at: 0) : 0
    }
}
