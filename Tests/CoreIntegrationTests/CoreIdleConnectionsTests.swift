import Foundation
import TestSupport
import Testing

/// Many idle clients against a real core. Its own suite, run alone in `Deploy/local/test`'s long
/// phase: 2,000 connections at once would starve the timing of suites running beside it.
@Suite("Core idle connections (integration)", .serialized, .timeLimit(.minutes(2)))
struct CoreIdleConnectionsTests {
    @Test("2,000 idle connections neither stop /healthz answering within 1 s nor stay open past http.idle_timeout")
    func idleConnections() async throws {
        let core = try CoreProcess(http: "idle_timeout: 2s")
        try await core.start()
        // Python holds the sockets: 2,000 connections that say nothing, /healthz timed meanwhile,
        // then how many the core closed once they were idle for longer than its timeout.
        let script = """
            import resource, socket, time, urllib.request
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
            port = \(core.port)
            idle = []
            for _ in range(2000):
                s = socket.create_connection(("127.0.0.1", port)); s.setblocking(False); idle.append(s)
            began = time.monotonic()
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
            print(f"healthz {time.monotonic() - began:.3f}")
            time.sleep(3.5)
            closed = 0
            for s in idle:
                try:
                    closed += s.recv(1) == b""
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    closed += 1
            print(f"closed {closed}")
            """
        let output = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", script], timeout: .seconds(60))
        let healthz = Double(output.split(separator: "\n").first { $0.hasPrefix("healthz ") }?.dropFirst(8) ?? "") ?? 99
        let closed = Int(output.split(separator: "\n").first { $0.hasPrefix("closed ") }?.dropFirst(7) ?? "") ?? -1
        print("idle connections: /healthz in \(healthz) s with 2,000 open; \(closed) of 2,000 closed after 3.5 s idle (timeout 2 s)")
        #expect(healthz < 1, "\(output)")
        #expect(closed == 2_000, "\(output)")
        #expect(core.get("/healthz")?.status == 200)
        #expect(await core.stop() == 0)
    }

    @Test("past http.max_connections a new connection waits until one closes; the core never runs out of descriptors")
    func connectionLimit() async throws {
        let core = try CoreProcess(http: "max_connections: 16\nidle_timeout: 60s")
        try await core.start()
        let script = """
            import socket, time, urllib.request
            port = \(core.port)
            held = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
            time.sleep(0.5)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1.5).read()
                print("over-limit answered")
            except Exception:
                print("over-limit waited")
            held.pop().close()
            began = time.monotonic()
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
            print(f"after-close {time.monotonic() - began:.3f}")
            """
        let output = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", script], timeout: .seconds(30))
        print("connection limit 16: \(output.split(separator: "\n").joined(separator: "; "))")
        #expect(output.contains("over-limit waited"), "\(output)")
        #expect(output.contains("after-close"), "\(output)")
        #expect(core.get("/healthz")?.status == 200)
        #expect(await core.stop() == 0)
    }
}
