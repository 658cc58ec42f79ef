import Foundation
import SQLite
import Synchronization
import Testing

/// The thread blocking SQLite work runs on, away from the concurrency pool.
@Suite("SQLite work thread")
struct SQLiteWorkThreadTests {
    actor Counter {
        let thread: SQLiteWorkThread
        var values: [Int] = []
        var onOtherThreads = 0
        init(thread: SQLiteWorkThread) { self.thread = thread }
        nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }
        func add(_ value: Int) {
            values.append(value)
            if !thread.isCurrentThread { onOtherThreads += 1 }
        }
    }

    @Test("an actor on the thread runs there, in order, and a blocked job there leaves the concurrency pool free")
    func actorRunsOnItsThread() async throws {
        let thread = SQLiteWorkThread(name: "haetae-test-sqlite")
        defer { thread.shutdown() }
        let counter = Counter(thread: thread)
        for value in 0..<100 { await counter.add(value) }
        #expect(await counter.values == Array(0..<100))
        #expect(await counter.onOtherThreads == 0)

        // A job that blocks the thread (as a commit's fsync would) does not hold up other tasks.
        let release = Atomic<Bool>(false)
        let blocked = Task { await withTaskExecutorPreference(thread) { while !release.load(ordering: .relaxed) { usleep(1_000) } } }
        let started = ContinuousClock.now
        async let others: [Int] = withTaskGroup(of: Int.self) { group in
            for value in 0..<8 { group.addTask { value } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(await others.count == 8)
        #expect(ContinuousClock.now - started < .seconds(5))
        release.store(true, ordering: .relaxed)
        await blocked.value
    }

    @Test("a loop given the thread as its task executor runs on it")
    func taskExecutorPreference() async {
        let thread = SQLiteWorkThread(name: "haetae-test-loop")
        defer { thread.shutdown() }
        let onThread = await withTaskExecutorPreference(thread) { thread.isCurrentThread }
        #expect(onThread)
        #expect(!thread.isCurrentThread)
    }
}

