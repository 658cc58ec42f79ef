import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server for tests: its own cluster in a temporary directory, listening on
/// a free 127.0.0.1 port and on a Unix socket in that directory, with a database made for the
/// test. Stopped (fast shutdown, then SIGKILL) and removed by ``stop()`` or when the object goes away.
///
/// PostgreSQL refuses to run as root, so as root the cluster belongs to an unprivileged user
/// (`nobody` unless `HAETAE_TEST_PG_USER` names another) and every server tool runs through
/// `setpriv`, which execs in place: the child we start, signal and reap *is* the postmaster.
/// (`runuser`/`su` would sit between as a parent that turns SIGINT into a SIGTERM "smart"
/// shutdown, which waits for clients, and a SIGKILL of it would orphan the server.)
///
/// `initdb` runs once per test process into a template cluster (removed at exit); each server
/// starts from a copy of it, which takes a fraction of a second instead of several.
///
/// ```swift
/// let server = try await PostgresServer()
/// let store = try PostgresReadingStore(url: server.url, logger: logger)
/// ```
public final class PostgresServer: Sendable {
    /// Where Debian's `postgresql-15` puts the server binaries (not on PATH).
    public static let binDirectory: String = {
        if let custom = ProcessInfo.processInfo.environment["HAETAE_TEST_PG_BIN"] { return custom }
        let candidates = (10...20).reversed().map { "/usr/lib/postgresql/\($0)/bin" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: "\($0)/postgres") } ?? "/usr/lib/postgresql/15/bin"
    }()

    /// Whether PostgreSQL's server binaries are installed (`Deploy/local/install-deps`).
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "\(binDirectory)/postgres")
    }

    /// The superuser of the test cluster (trust authentication, no password).
    public static let user = "haetae"

    public let port: Int
    public let database: String
    /// Holds the cluster (`data/`), the socket and the server log.
    public let directory: TemporaryDirectory
    private let process = Mutex<ChildProcess?>(nil)

    /// `postgres://haetae@127.0.0.1:PORT/DATABASE`.
    public var url: String { "postgres://\(Self.user)@127.0.0.1:\(port)/\(database)" }
    /// The database over TLS, verifying the server against the test CA (`sslmode=verify-full`);
    /// only for a server started with `tls`.
    public var tlsURL: String {
        "postgres://\(Self.user)@127.0.0.1:\(port)/\(database)?sslmode=verify-full&sslrootcert=\(caFile ?? "")"
    }
    /// The CA of a server started with `tls`.
    public let caFile: String?

    /// The same database over the Unix socket in ``directory``.
    public var socketURL: String { "postgres://\(Self.user)@/\(database)?host=\(directory.path)&port=\(port)" }

    /// Starts a server and creates `database` in it.
    /// - Parameter settings: extra `postgres -c` settings; the defaults favour test speed
    ///   (`fsync=off`); pass `["fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"]`
    ///   for a durable server.
    /// - Parameter port: the port to listen on (default: a free one).
    /// - Parameter tls: serve TLS with this authority's server certificate and refuse plain TCP
    ///   connections (`hostssl` only; the Unix socket stays open to the test's tools).
    public init(database: String = "haetae_test", port: Int? = nil, settings: [String: String] = [:], tls: TestCertificateAuthority? = nil) async throws {
        guard Self.isAvailable else {
            throw TestSupportError("PostgreSQL server binaries not found in \(Self.binDirectory) (apt postgresql-15)")
        }
        self.database = database
        directory = try TemporaryDirectory(prefix: "haetae-pg")
        self.port = port ?? FreePort.allocate()
        let template = try await Self.template.value
        try Self.giveAway(directory.path)
        try await Self.runAsOwner("/bin/cp", ["-a", template, directory.file("data")])
        var merged = [
            "listen_addresses": "127.0.0.1", "port": "\(self.port)", "unix_socket_directories": directory.path,
            "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
            "shared_buffers": "32MB", "max_connections": "50", "logging_collector": "off",
        ]
        if let tls {
            // The server reads its key only if it is private to the server's user.
            for (source, name) in [(tls.serverCertificate, "server.crt"), (tls.serverKey, "server.key")] {
                try FileManager.default.copyItem(atPath: source, toPath: directory.file(name))
                chmod(directory.file(name), 0o600)
                try Self.giveAway(directory.file(name))
            }
            try """
                local all all trust
                hostssl all all 127.0.0.1/32 trust
                host all all 127.0.0.1/32 reject

                """.write(toFile: directory.file("pg_hba_tls.conf"), atomically: true, encoding: .utf8)
            try Self.giveAway(directory.file("pg_hba_tls.conf"))
            merged["ssl"] = "on"
            merged["ssl_cert_file"] = directory.file("server.crt")
            merged["ssl_key_file"] = directory.file("server.key")
            merged["hba_file"] = directory.file("pg_hba_tls.conf")
        }
        // The CA goes with the server, so the URL works for as long as the server runs.
        if let tls { try FileManager.default.copyItem(atPath: tls.caCertificate, toPath: directory.file("ca.crt")) }
        caFile = tls == nil ? nil : directory.file("ca.crt")
        merged.merge(settings) { _, new in new }
        let arguments = ["-D", directory.file("data")] + merged.sorted { $0.key < $1.key }.flatMap { ["-c", "\($0.key)=\($0.value)"] }
        let child = try ChildProcess(
            Self.ownerCommand, Self.ownerArguments + ["\(Self.binDirectory)/postgres"] + arguments,
            outputDirectory: directory.path)
        process.withLock { $0 = child }
        let ready = await eventually(timeout: .seconds(30), poll: .milliseconds(50)) {
            guard child.isRunning else { return true }
            return (try? await ChildProcess.run(
                "\(Self.binDirectory)/pg_isready", ["-q", "-h", "127.0.0.1", "-p", "\(self.port)", "-U", Self.user, "-d", "postgres"],
                timeout: .seconds(5))) != nil
        }
        guard ready, child.isRunning else {
            let log = child.output()
            await stop()
            throw TestSupportError("postgres did not come up on 127.0.0.1:\(self.port): \(log.suffix(2000))")
        }
        try await ChildProcess.run(
            "\(Self.binDirectory)/createdb", ["-h", "127.0.0.1", "-p", "\(self.port)", "-U", Self.user, database],
            timeout: .seconds(30))
    }

    deinit {
        // Fast shutdown (SIGINT) disconnects clients and stops within a moment; the bounded
        // wait keeps a stuck server from hanging the test run, and ChildProcess SIGKILLs the rest.
        if let child = process.withLock({ $0 }) {
            child.signal(SIGINT)
            for _ in 0..<100 where child.isRunning { usleep(50_000) }
        }
    }

    /// Stops the server (fast shutdown; SIGKILL after 10 s) and removes its directory.
    /// Runs `sql` (one or more statements, stopping at the first error) with `psql` and returns
    /// its unaligned, tuples-only output.
    public func psql(_ sql: String) async throws -> String {
        try await ChildProcess.run(
            "\(Self.binDirectory)/psql",
            ["-h", "127.0.0.1", "-p", "\(port)", "-U", Self.user, "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    public func stop() async {
        if let child = process.withLock({ $0 }) {
            child.signal(SIGINT)
            if await child.waitForExit(timeout: .seconds(10)) == nil {
                child.kill()
                _ = await child.waitForExit(timeout: .seconds(5))
            }
        }
        process.withLock { $0 = nil }
        directory.remove()
    }

    /// The server's log so far, for failure messages.
    public func log() -> String {
        process.withLock { $0?.output() } ?? ""
    }

    // MARK: The cluster owner

    /// The unprivileged user that owns clusters when tests run as root.
    static let owner: (name: String, uid: uid_t, gid: gid_t)? = {
        guard getuid() == 0 else { return nil }
        let name = ProcessInfo.processInfo.environment["HAETAE_TEST_PG_USER"] ?? "nobody"
        guard let entry = getpwnam(name) else { return nil }
        return (name, entry.pointee.pw_uid, entry.pointee.pw_gid)
    }()

    static var ownerCommand: String { owner == nil ? "/usr/bin/env" : "/usr/bin/setpriv" }
    static var ownerArguments: [String] {
        guard let owner else { return [] }
        return ["--reuid=\(owner.uid)", "--regid=\(owner.gid)", "--clear-groups", "--"]
    }

    /// Runs a tool as the cluster owner.
    @discardableResult
    static func runAsOwner(_ tool: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> String {
        try await ChildProcess.run(ownerCommand, ownerArguments + [tool] + arguments, timeout: timeout)
    }

    /// Hands `path` to the cluster owner (a no-op when not root).
    static func giveAway(_ path: String) throws {
        guard let owner else { return }
        guard chown(path, owner.uid, owner.gid) == 0 else {
            throw TestSupportError("chown \(path) to \(owner.name) failed: errno \(errno)")
        }
    }

    // MARK: The template cluster

    /// `initdb` once per process; the directory goes when the process exits.
    static let template = Task<String, any Error> {
        if PostgresServer.owner == nil && getuid() == 0 {
            throw TestSupportError("running as root, but the user to own PostgreSQL clusters does not exist")
        }
        let directory = try TemporaryDirectory(prefix: "haetae-pg-template")
        PostgresServer.templateDirectory.withLock { $0 = directory }
        atexit { PostgresServer.templateDirectory.withLock { $0?.remove() } }
        try PostgresServer.giveAway(directory.path)
        let data = directory.file("data")
        try await PostgresServer.runAsOwner(
            "\(PostgresServer.binDirectory)/initdb",
            ["-D", data, "-U", PostgresServer.user, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            timeout: .seconds(120))
        return data
    }

    private static let templateDirectory = Mutex<TemporaryDirectory?>(nil)
}
