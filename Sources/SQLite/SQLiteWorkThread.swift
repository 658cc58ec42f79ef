import Foundation

/// One OS thread of its own that runs async work which blocks: SQLite commits and the `fsync`
/// under them. Swift's concurrency pool has one thread per core (two here); a task that blocks
/// in a commit holds one of them, and two such tasks stop every other task of the process, such
/// as the one that should be sending a hazard's webhook. Work given to this thread waits for
/// this thread only.
///
/// It is both a serial executor (an actor that owns a connection runs on it: `unownedExecutor`)
/// and a task executor (`withTaskExecutorPreference(thread) { … }` runs a loop on it). Jobs run in
/// the order they came. The thread ends after ``shutdown()`` once the jobs given before it ran.
public final class SQLiteWorkThread: SerialExecutor, TaskExecutor, @unchecked Sendable {  // state behind `condition`
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var runner: pthread_t?

    /// Starts the thread, named `name` (it shows in `top -H` and in crash reports).
    public init(name: String) {
        let thread = Thread { [self] in runJobs() }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread end once the jobs already given have run; later jobs would never run, so
    /// call it only when nothing uses this executor any more.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// Whether the caller runs on this thread (for tests and checks).
    public var isCurrentThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        return runner.map { pthread_equal($0, pthread_self()) != 0 } ?? false
    }

    private func runJobs() {
        condition.lock()
        runner = pthread_self()
        condition.unlock()
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch {
                job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
            }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
