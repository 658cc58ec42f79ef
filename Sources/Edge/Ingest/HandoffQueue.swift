import Foundation
public import Readings

/// The bounded queue between the MQTT receive thread and the spool writer thread.
///
/// One lock operation per hand-off (every commit interval or every few thousand readings),
/// never per reading. When the writer falls behind, `put` blocks: the receive thread stops
/// reading from the socket and the broker holds the messages (backpressure, not loss).
/// Emptied column buffers come back through `recycle` so steady-state ingest allocates nothing.
///
/// When the writer cannot write at all (``setWriterFailing(_:)``: disk full, I/O errors), `put`
/// does not block: blocking would stop the receive thread, and with it hazard detection, stop
/// commands and the MQTT keepalive. Once the queue is full it sheds the readings of new
/// hand-offs instead, counted (``takeDroppedReadings()``), and keeps everything else they carry
/// (new series, a renumbering, counts, reject samples) for the writer, in order.
public final class HandoffQueue: @unchecked Sendable {  // all state is guarded by `condition`
    private let condition = NSCondition()
    private var items: [Handoff] = []
    private var spare: [ReadingColumns] = []
    private var closed = false
    private var draining = false
    private var writerFailing = false
    /// What shed hand-offs carried besides readings, merged; after `items` in order.
    private var shed: Handoff?
    private var droppedReadings = 0
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
        while items.count >= capacity && !closed && !draining && !writerFailing {
            condition.wait()
        }
        if items.count >= capacity && writerFailing && !closed && !draining {
            shedReadings(of: handoff)
        } else {
            if let earlier = shed {
                items.append(earlier)
                shed = nil
            }
            items.append(handoff)
        }
        condition.broadcast()
        return !closed
    }

    /// Drops the readings of `handoff` (counted) and keeps the rest in `shed`. Under the lock.
    private func shedReadings(of handoff: Handoff) {
        droppedReadings += handoff.columns.count
        var kept = Handoff(columns: ReadingColumns())
        kept.absorb(handoff)
        kept.columns.renumbering = handoff.columns.renumbering
        // The buffer is reused; `emptyColumns()` clears it on the receive thread once it is
        // the only reference (clearing it here would copy it).
        if spare.count < capacity + 2 { spare.append(handoff.columns) }
        guard var earlier = shed else {
            shed = kept
            return
        }
        if kept.columns.renumbering != nil {
            // Ids before and after a renumbering cannot share one hand-off: the earlier one
            // goes into the queue (one over capacity; the receive thread forgets no series
            // while the writer fails, so this happens at most once).
            items.append(earlier)
            shed = kept
        } else {
            earlier.absorb(kept)
            shed = earlier
        }
    }

    /// The writer cannot commit (true) or can again (false). While failing, a full queue sheds
    /// readings instead of blocking `put`.
    public func setWriterFailing(_ failing: Bool) {
        condition.lock()
        writerFailing = failing
        condition.broadcast()
        condition.unlock()
    }

    /// Whether the writer reported that it cannot commit.
    public var isWriterFailing: Bool {
        condition.lock()
        defer { condition.unlock() }
        return writerFailing
    }

    /// Readings shed since the last call (see ``put(_:)``).
    public func takeDroppedReadings() -> Int {
        condition.lock()
        defer { condition.unlock() }
        let dropped = droppedReadings
        droppedReadings = 0
        return dropped
    }

    /// Takes every waiting hand-off, waiting up to `timeout` for the first one.
    /// Returns an empty array on timeout, and `nil` once closed and drained.
    public func takeAll(timeout: Duration) -> [Handoff]? {
        condition.lock()
        defer { condition.unlock() }
        if items.isEmpty && shed == nil && !closed {
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18))
        }
        if items.isEmpty && shed == nil { return closed ? nil : [] }
        var taken = items
        if let earlier = shed {
            taken.append(earlier)
            shed = nil
        }
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
