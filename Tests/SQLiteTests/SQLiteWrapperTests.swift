import SQLite
import TestSupport
import Testing

@Suite("SQLite wrapper")
struct SQLiteWrapperTests {
    /// The directory is removed when the test's `directory` goes away, so it is kept to the end.
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func open() throws -> SQLiteConnection {
        try SQLiteConnection(path: directory.file("test.db"))
    }

    @Test("text, integers, reals, blobs and NULL round-trip; text with a NUL byte keeps its length")
    func valuesRoundTrip() throws {
        let db = try open()
        try db.execute("CREATE TABLE t(a TEXT, b INTEGER, c REAL, d BLOB, e)")
        let insert = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)")
        try insert.bind([.text("a\u{0}b é"), .integer(-7), .real(71.25), .blob([0, 1, 255]), .null])
        try insert.run()
        try insert.bind([.text(""), .integer(Int64.max), .real(-0.5), .blob([]), .integer(1)])
        try insert.run()
        let select = try db.prepare("SELECT a, b, c, d, e FROM t ORDER BY rowid")
        #expect(try select.step())
        #expect(select.string(at: 0) == "a\u{0}b é")
        #expect(select.int64(at: 1) == -7)
        #expect(select.double(at: 2) == 71.25)
        #expect(select.blob(at: 3) == [0, 1, 255])
        #expect(select.isNull(at: 4))
        #expect(try select.step())
        #expect(select.string(at: 0) == "" && !select.isNull(at: 0))
        #expect(select.int64(at: 1) == Int64.max)
        #expect(select.blob(at: 3) == [])
        #expect(try select.step() == false)
    }

    @Test("an error names the failed call, the SQL and the file")
    func errorsSayWhere() throws {
        let db = try open()
        #expect {
            _ = try db.prepare("SELECT nope FROM missing")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("sqlite3_prepare_v3 failed (1)") && text.contains("no such table: missing")
                && text.contains("`SELECT nope FROM missing`") && text.contains(directory.file("test.db"))
        }
        #expect(throws: SQLiteError.self) {
            _ = try SQLiteConnection(path: directory.file("absent/x.db"), mode: .readOnly)
        }
    }

    @Test("a transaction that throws is rolled back")
    func transactionRollsBack() throws {
        let db = try open()
        try db.execute("CREATE TABLE t(x INTEGER)")
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Abort()
            }
        }
        try db.transaction { try db.execute("INSERT INTO t VALUES (2)") }
        #expect(try db.scalarInt("SELECT sum(x) FROM t") == 2)
    }
}
