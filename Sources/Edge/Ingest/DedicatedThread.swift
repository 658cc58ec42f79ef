import Foundation

/// Runs blocking work (the MQTT loop, SQLite commits) on its own OS thread, away from the
/// Swift concurrency pool, and lets async code await its end.
enum DedicatedThread {
    static func run(name: String, _ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                body()
                continuation.resume()
            }
            thread.name = name
            thread.start()
        }
    }
}
