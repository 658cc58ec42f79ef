import Foundation

/// A child process for tests: output captured to files, killed when the object goes away,
/// so no test leaks processes.
///
/// ```swift
/// let sub = try ChildProcess("mosquitto_sub", ["-p", "\(broker.port)", "-t", "a/#", "-C", "1"])
/// let status = await sub.waitForExit(timeout: .seconds(5))
/// print(sub.output())
/// ```
// @unchecked Sendable: the Process is started once in init; afterwards only thread-safe queries and kill(2) are used.
public final class ChildProcess: @unchecked Sendable {
    public let executable: String
    public let arguments: [String]
    /// Files that receive the child's standard output and standard error.
    public let standardOutputPath: String
    public let standardErrorPath: String
    private let process = Process()
    private let ownDirectory: TemporaryDirectory?

    /// Starts `executable` (a path, or a name looked up in `PATH`).
    /// - Parameters:
    ///   - environment: the full environment; `nil` inherits this process's environment.
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
        process.executableURL = URL(fileURLWithPath: resolved)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: standardOutputPath)
        process.standardError = FileHandle(forWritingAtPath: standardErrorPath)
        do {
            try process.run()
        } catch {
            throw TestSupportError("cannot start \(resolved) \(arguments.joined(separator: " ")): \(error)")
        }
    }

    deinit {
        if process.isRunning {
            kill()
            process.waitUntilExit()
        }
    }

    public var processIdentifier: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// Sends SIGTERM.
    public func terminate() {
        signal(SIGTERM)
    }

    /// Sends SIGKILL.
    public func kill() {
        signal(SIGKILL)
    }

    private func signal(_ number: Int32) {
        guard process.isRunning else { return }
        _ = Foundation.kill(process.processIdentifier, number)
    }

    /// Waits for the child to exit.
    /// - Returns: its exit status (the signal number if a signal ended it), or `nil` on timeout.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let exited = await eventually(timeout: timeout, poll: .milliseconds(10)) { !process.isRunning }
        guard exited else { return nil }
        process.waitUntilExit()  // lets Foundation finish reaping; returns at once
        return process.terminationStatus
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
}
