import NIOPosix
import Synchronization

/// Runs password checks (bcrypt, deliberately slow) on a thread of its own, with a bounded queue:
/// a flood of logins costs the core at most that thread and never holds the threads that serve
/// ingest, queries and the page. Past `maxQueued` waiting checks, a login is answered "busy" at once.
final class LoginGate: Sendable {
    private let pool: NIOThreadPool
    /// Checks running or waiting.
    private let admitted = Atomic<Int>(0)
    let maxQueued: Int

    init(threads: Int = 1, maxQueued: Int = 16) {
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        self.maxQueued = maxQueued
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// Runs `work` on the gate's thread; nil when too many checks wait already (or the gate is shut).
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        guard admitted.add(1, ordering: .relaxed).newValue <= maxQueued else {
            admitted.subtract(1, ordering: .relaxed)
            return nil
        }
        defer { admitted.subtract(1, ordering: .relaxed) }
        return try? await pool.runIfActive { work() }
    }
}
