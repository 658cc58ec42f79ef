import Foundation
public import Readings

/// The bounded queue between the MQTT receive thread and the spool writer thread.
///
/// One lock operation per hand-off (every commit interval or every few thousand readings),
/// never per reading. When the writer falls behind, `put` blocks: the receive thread stops
/// reading from the socket and the broker holds the messages (backpressure, not loss).
/// Emptied column buffers come back through `recycle` so steady-state ingest allocates nothing.
public final class HandoffQueue: @unchecked Sendable {  // all state is guarded by `condition`
    private let condition = NSCondition()
    private var items: [Handoff] = []
    private var spare: [ReadingColumns] = []
    private var closed = false
    private var draining = false
    public let capacity: Int
    private let bufferCapacity: Int

    /// - Parameters:
    ///   - capacity: hand-offs waiting at most before `put` blocks.
    ///   - bufferCapacity: readings each recycled buffer is sized for.
    public init(capacity: Int, bufferCapacity: Int) {
        self.capacity = capacity
        self.bufferCapacity = bufferCapacity
    }

    /// Queues a hand-off; blocks while the queue is full. Returns false once closed for input
    /// (the hand-off is still queued, so nothing accepted is lost).
    @discardableResult
    public func put(_ handoff: Handoff) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed && !draining {
            condition.wait()
        }
        items.append(handoff)
        condition.broadcast()
        return !closed
    }

    /// Takes every waiting hand-off, waiting up to `timeout` for the first one.
    /// Returns an empty array on timeout, and `nil` once closed and drained.
    public func takeAll(timeout: Duration) -> [Handoff]? {
        condition.lock()
        defer { condition.unlock() }
        if items.isEmpty && !closed {
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18))
        }
        if items.isEmpty { return closed ? nil : [] }
        let taken = items
        items.removeAll(keepingCapacity: true)
        condition.broadcast()
        return taken
    }

    /// A cleared buffer for the next hand-off, reusing one the writer gave back if it can.
    public func emptyColumns() -> ReadingColumns {
        condition.lock()
        let reused = spare.popLast()
        condition.unlock()
        if var reused {
            // Cleared here, on the receive thread, where this is the only reference: the
            // buffers keep their capacity instead of being copied.
            reused.removeAll(keepingCapacity: true)
            return reused
        }
        var columns = ReadingColumns()
        columns.reserveCapacity(bufferCapacity)
        return columns
    }

    /// Gives a buffer back after its readings were committed.
    public func recycle(_ columns: consuming ReadingColumns) {
        condition.lock()
        if spare.count < capacity + 2 { spare.append(columns) }
        condition.unlock()
    }

    /// Shutdown has begun: `put` no longer blocks (so the receive thread can reach its stop
    /// check even when the spool is full) and the writer takes everything to commit it.
    public func startDraining() {
        condition.lock()
        draining = true
        condition.broadcast()
        condition.unlock()
    }

    public var isDraining: Bool {
        condition.lock()
        defer { condition.unlock() }
        return draining || closed
    }

    /// No more input: wakes everyone; `takeAll` returns what is left, then nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    public var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count
    }
}
