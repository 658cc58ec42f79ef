import Dispatch
import Foundation
import Synchronization

/// A serial executor that runs its jobs on one dedicated thread.
///
/// An actor whose `unownedExecutor` is one of these runs every method on that thread, so SQLite's
/// blocking calls never occupy the cooperative pool (two threads on a 2-core node), and a
/// connection is only ever touched by the one thread its actor runs on.
final class ThreadExecutor: SerialExecutor {
    private enum Item {
        case job(UnownedJob)
        case stop
    }

    private let queue = Mutex<[Item]>([])
    // One signal per enqueue; the thread drains everything queued on each wake-up.
    private let wakeup = DispatchSemaphore(value: 0)

    /// Starts the thread; `name` shows in debuggers and `top -H`.
    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.append(.job(job)) }
        wakeup.signal()
    }

    /// Lets the thread end once the jobs queued so far have run. Jobs enqueued afterwards never
    /// run, so the owner calls this only when nothing can reach its actors any more (its `deinit`).
    func shutdown() {
        queue.withLock { $0.append(.stop) }
        wakeup.signal()
    }

    private func loop() {
        while true {
            wakeup.wait()
            let items = queue.withLock { queued in
                let taken = queued
                queued.removeAll()
                return taken
            }
            for item in items {
                switch item {
                case .job(let job): job.runSynchronously(on: asUnownedSerialExecutor())
                case .stop: return
                }
            }
        }
    }
}
