import Foundation
import TestSupport
import Testing

@Suite("ChildProcess", .timeLimit(.minutes(1)))
struct ChildProcessTests {
    /// A line of /proc/PID/status, e.g. `SigBlk:\t0000000000000000`.
    static func status(_ pid: Int32, _ field: String) -> String? {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            .map { $0.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    @Test("children start with no blocked and no ignored signals, so terminate() stops them")
    func terminateStopsAChildOfTheTestRunner() async throws {
        // The test runner's threads block SIGTERM; a child must not inherit that mask.
        let child = try ChildProcess("sleep", ["30"])
        #expect(Self.status(child.processIdentifier, "SigBlk") == "0000000000000000")
        // Signals 1–31 at their defaults (glibc's spawn itself ignores its internal 32 and 33,
        // which a glibc program resets at start).
        let ignored = try #require(Self.status(child.processIdentifier, "SigIgn").flatMap { UInt64($0, radix: 16) })
        #expect(ignored & 0x7fff_ffff == 0, "SigIgn \(String(ignored, radix: 16))")
        child.terminate()
        #expect(await child.waitForExit(timeout: .seconds(5)) == SIGTERM)
        #expect(!child.isRunning)
        child.terminate()  // after the exit: no signal to a pid that may be reused
    }

    @Test("output files, environment, working directory and exit status")
    func outputEnvironmentDirectoryStatus() async throws {
        let directory = try TemporaryDirectory()
        let child = try ChildProcess(
            "sh", ["-c", "pwd; echo \"$GREETING\"; echo oops >&2; exit 3"],
            environment: ["GREETING": "annyeong", "PATH": "/usr/bin:/bin"], currentDirectory: directory.path)
        #expect(await child.waitForExit(timeout: .seconds(5)) == 3)
        #expect(child.standardOutput() == "\(directory.path)\nannyeong\n")
        #expect(child.standardError() == "oops\n")
        await #expect(throws: TestSupportError.self) { try await ChildProcess.run("sh", ["-c", "exit 1"]) }
        #expect(try await ChildProcess.run("echo", ["hi"]) == "hi\n")
    }

    @Test("a child holds none of the test's file descriptors beyond 0, 1 and 2")
    func descriptorsAreNotInherited() async throws {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)  // no CLOEXEC
        defer { close(socket) }
        let child = try ChildProcess("sh", ["-c", "ls /proc/$$/fd"])
        #expect(await child.waitForExit(timeout: .seconds(5)) == 0)
        #expect(child.standardOutput().split(separator: "\n").sorted() == ["0", "1", "2"], "\(child.output())")
    }

    @Test("kill() ends a child that ignores SIGTERM; a child that is gone is reaped by deinit without hanging")
    func killAndDeinit() async throws {
        let stubborn = try ChildProcess("sh", ["-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"])
        #expect(await eventually(timeout: .seconds(5)) { stubborn.standardOutput() == "ready\n" })
        stubborn.terminate()
        #expect(await stubborn.waitForExit(timeout: .milliseconds(300)) == nil)
        stubborn.kill()
        #expect(await stubborn.waitForExit(timeout: .seconds(5)) == SIGKILL)
        var leftover: ChildProcess? = try ChildProcess("sleep", ["30"])
        let pid = leftover!.processIdentifier
        leftover = nil  // deinit kills and reaps
        #expect(kill(pid, 0) != 0)
    }
}
