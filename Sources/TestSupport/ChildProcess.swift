import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process for tests: output captured to files, killed when the object goes away,
/// so no test leaks processes.
///
/// ```swift
/// let sub = try ChildProcess("mosquitto_sub", ["-p", "\(broker.port)", "-t", "a/#", "-C", "1"])
/// let status = await sub.waitForExit(timeout: .seconds(5))
/// print(sub.output())
/// ```
///
/// Started with `posix_spawn`, with an empty signal mask and default signal dispositions: a
/// test runner's threads block signals such as SIGTERM, and both the mask and ignored signals
/// are inherited across `exec`, so a child started with `Foundation.Process` from a test would
/// never see the SIGTERM that ``terminate()`` sends. File descriptors other than 0–2 are closed
/// in the child, so it holds none of the test's sockets open.
public final class ChildProcess: Sendable {
    public let executable: String
    public let arguments: [String]
    /// Files that receive the child's standard output and standard error.
    public let standardOutputPath: String
    public let standardErrorPath: String
    public let processIdentifier: Int32
    /// The wait status once the child has been reaped; nil while it runs. Guarding the reap
    /// with the signal calls means a pid is never signalled after it could have been reused.
    private let reaped = Mutex<Int32?>(nil)
    private let ownDirectory: TemporaryDirectory?

    /// Starts `executable` (a path, or a name looked up in `PATH`).
    /// - Parameters:
    ///   - environment: the full environment; `nil` inherits this process's environment.
    ///   - currentDirectory: the child's working directory; this process's when `nil`.
    ///   - outputDirectory: where the output files go; a private temporary directory if `nil`.
    public init(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        outputDirectory: String? = nil
    ) throws {
        let resolved = try Self.resolve(executable)
        self.executable = resolved
        self.arguments = arguments
        let directory: String
        if let outputDirectory {
            directory = outputDirectory
            ownDirectory = nil
        } else {
            let own = try TemporaryDirectory(prefix: "haetae-child")
            directory = own.path
            ownDirectory = own
        }
        let stem = "\(directory)/\((resolved as NSString).lastPathComponent)-\(UUID().uuidString.prefix(8))"
        standardOutputPath = stem + ".stdout"
        standardErrorPath = stem + ".stderr"
        _ = FileManager.default.createFile(atPath: standardOutputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: standardErrorPath, contents: nil)
        processIdentifier = try Self.spawn(
            resolved, arguments: arguments, environment: environment, currentDirectory: currentDirectory,
            standardOutput: standardOutputPath, standardError: standardErrorPath)
    }

    deinit {
        if isRunning {
            kill()
            reap(blocking: true)
        }
    }

    /// Whether the child has not exited yet (reaps it when it has).
    public var isRunning: Bool {
        reap(blocking: false) == nil
    }

    /// Sends SIGTERM.
    public func terminate() {
        signal(SIGTERM)
    }

    /// Sends SIGKILL.
    public func kill() {
        signal(SIGKILL)
    }

    /// Sends `number` to the child (SIGHUP, SIGSTOP, …) unless it has exited.
    public func signal(_ number: Int32) {
        reaped.withLock { status in
            guard status == nil else { return }
            _ = Foundation.kill(processIdentifier, number)
        }
    }

    /// Waits for the child to exit.
    /// - Returns: its exit status (the signal number if a signal ended it), or `nil` on timeout.
    public func waitForExit(timeout: Duration) async -> Int32? {
        guard await eventually(timeout: timeout, poll: .milliseconds(10), { !isRunning }) else { return nil }
        return reap(blocking: false).map(Self.exitStatus)
    }

    /// What the child wrote to standard output so far.
    public func standardOutput() -> String {
        (try? String(contentsOfFile: standardOutputPath, encoding: .utf8)) ?? ""
    }

    /// What the child wrote to standard error so far.
    public func standardError() -> String {
        (try? String(contentsOfFile: standardErrorPath, encoding: .utf8)) ?? ""
    }

    /// Standard output followed by standard error.
    public func output() -> String {
        standardOutput() + standardError()
    }

    /// Runs a tool to completion.
    /// - Throws: ``TestSupportError`` with the tool's output when it fails or overruns `timeout`.
    /// - Returns: its standard output.
    @discardableResult
    public static func run(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> String {
        let child = try ChildProcess(executable, arguments, environment: environment, currentDirectory: currentDirectory)
        guard let status = await child.waitForExit(timeout: timeout) else {
            child.kill()
            throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) did not finish in \(timeout): \(child.output())")
        }
        guard status == 0 else {
            throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) exited with \(status): \(child.output())")
        }
        return child.standardOutput()
    }

    /// The absolute path of `name`, looked up in `PATH` unless it contains a slash.
    public static func resolve(_ name: String) throws -> String {
        if name.contains("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories: [String] = path.components(separatedBy: ":") + ["/usr/sbin", "/sbin"]
        for directory in directories where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestSupportError("\(name) not found in PATH")
    }

    // MARK: Spawning and reaping

    /// The raw wait status once reaped. `blocking` waits for the exit (used after SIGKILL).
    @discardableResult
    private func reap(blocking: Bool) -> Int32? {
        reaped.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            var result: pid_t
            repeat {
                result = waitpid(processIdentifier, &raw, blocking ? 0 : WNOHANG)
            } while result < 0 && errno == EINTR
            if result == processIdentifier {
                status = raw
            } else if result < 0 {
                status = -1  // not our child any more (ECHILD): treat as gone
            }
            return status
        }
    }

    /// Exit code, or the number of the signal that ended the child (as `Process` reports it).
    private static func exitStatus(_ raw: Int32) -> Int32 {
        if raw == -1 { return -1 }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : signal
    }

    private static func spawn(
        _ path: String, arguments: [String], environment: [String: String]?, currentDirectory: String?,
        standardOutput: String, standardError: String
    ) throws -> pid_t {
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t = nil
        var attributes: posix_spawnattr_t = nil
        #endif
        try check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init")
        defer { posix_spawn_file_actions_destroy(&actions) }
        try check(posix_spawnattr_init(&attributes), "posix_spawnattr_init")
        defer { posix_spawnattr_destroy(&attributes) }

        // The parent created both files (so they can be read at once); the child appends.
        let create = O_WRONLY | O_CREAT | O_APPEND
        try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "addopen stdin")
        try check(posix_spawn_file_actions_addopen(&actions, 1, standardOutput, create, 0o644), "addopen \(standardOutput)")
        try check(posix_spawn_file_actions_addopen(&actions, 2, standardError, create, 0o644), "addopen \(standardError)")
        #if canImport(Glibc)
        // glibc ≥ 2.34 has both; Swift's Glibc module does not export these `_np` calls.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            try check(unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3), "posix_spawn_file_actions_addclosefrom_np")
        }
        if let currentDirectory {
            guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
                throw TestSupportError("ChildProcess: currentDirectory needs glibc 2.29 or later (posix_spawn_file_actions_addchdir_np)")
            }
            try check(unsafeBitCast(symbol, to: ChangeDirectory.self)(&actions, currentDirectory), "posix_spawn_file_actions_addchdir_np \(currentDirectory)")
        }
        let closeOthers: Int32 = 0
        #else
        if currentDirectory != nil { throw TestSupportError("ChildProcess: currentDirectory is only supported on Linux") }
        let closeOthers = Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif

        // No blocked signals, and every catchable signal at its default action in the child.
        var mask = sigset_t()
        sigemptyset(&mask)
        try check(posix_spawnattr_setsigmask(&attributes, &mask), "posix_spawnattr_setsigmask")
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number: Int32 in 1..<32 where number != SIGKILL && number != SIGSTOP { sigaddset(&defaults, number) }
        try check(posix_spawnattr_setsigdefault(&attributes, &defaults), "posix_spawnattr_setsigdefault")
        try check(
            posix_spawnattr_setflags(&attributes, Int16(Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | closeOthers)),
            "posix_spawnattr_setflags")

        let argv = ([path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]
        if let environment {
            envp = environment.map { strdup("\($0.key)=\($0.value)") }
        } else {
            envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") }
        }
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let code = (argv + [nil]).withUnsafeBufferPointer { argvBuffer in
            (envp + [nil]).withUnsafeBufferPointer { envpBuffer in
                posix_spawn(&pid, path, &actions, &attributes, argvBuffer.baseAddress!, envpBuffer.baseAddress!)
            }
        }
        guard code == 0 else {
            throw TestSupportError("cannot start \(path) \(arguments.joined(separator: " ")): \(String(cString: strerror(code)))")
        }
        return pid
    }

    private static func check(_ code: Int32, _ call: String) throws {
        guard code == 0 else { throw TestSupportError("ChildProcess: \(call) failed: \(String(cString: strerror(code)))") }
    }
}
