import Foundation
public import Readings

/// The bounded queue between the MQTT receive thread and the spool writer thread.
///
/// One lock operation per hand-off (every commit interval or every few thousand readings),
/// never per reading. When the writer falls behind for a moment, `put` waits for it (at most
/// `stallPatience`). Emptied column buffers come back through `recycle` so steady-state ingest
/// allocates nothing.
///
/// `put` never blocks the receive thread for longer: that would stop hazard detection, stop
/// commands and the MQTT keepalive. A writer still busy after the patience is *stalled* (a disk
/// whose writes hang for seconds without failing): the readings of new hand-offs wait in memory,
/// merged into the last queued one, up to `overflowReadings`; only past that budget, and at once
/// while the writer cannot write at all (``setWriterFailing(_:)``: disk full, I/O errors), are the
/// readings of new hand-offs shed, counted (``takeDroppedReadings()``), keeping everything else
/// they carry (new series, a renumbering, counts, reject samples) for the writer, in order.
/// The one exception is a writer paused on purpose (``setWriterPaused(_:)``, `on_full: block`):
/// then `put` waits, and the broker holds the messages, as that setting promises.
public final class HandoffQueue: @unchecked Sendable {  // all state is guarded by `condition`
    private let condition = NSCondition()
    private var items: [Handoff] = []
    private var spare: [ReadingColumns] = []
    private var closed = false
    private var draining = false
    private var writerFailing = false
    private var writerPaused = false
    /// Set when the writer stalled: readings are merged into the last hand-off until it takes them.
    private var overflowing = false
    private var overflowedReadings = 0
    /// What shed hand-offs carried besides readings, merged; after `items` in order.
    private var shed: Handoff?
    private var droppedReadings = 0
    public let capacity: Int
    private let bufferCapacity: Int
    private let stallPatienceSeconds: Double
    /// Readings kept in memory beyond `capacity` while the writer is stalled.
    public let overflowReadings: Int

    /// - Parameters:
    ///   - capacity: hand-offs waiting at most before `put` waits for the writer.
    ///   - bufferCapacity: readings each recycled buffer is sized for.
    ///   - stallPatience: how long `put` waits for a full queue to take more before it counts the
    ///     writer as stalled.
    ///   - overflowReadings: readings kept in memory while the writer is stalled (about 32 bytes
    ///     each); beyond them readings are shed and counted.
    public init(capacity: Int, bufferCapacity: Int, stallPatience: Duration = .milliseconds(50), overflowReadings: Int = 1_000_000) {
        precondition(capacity > 0 && overflowReadings >= 0)
        self.capacity = capacity
        self.bufferCapacity = bufferCapacity
        stallPatienceSeconds = Double(stallPatience.components.seconds) + Double(stallPatience.components.attoseconds) * 1e-18
        self.overflowReadings = overflowReadings
    }

    /// Queues a hand-off; waits at most the stall patience while the queue is full (for ever only
    /// while the writer is paused). Returns false once closed for input (the hand-off is still
    /// queued, so nothing accepted is lost).
    @discardableResult
    public func put(_ handoff: Handoff) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if items.count >= capacity && !overflowing {
            var deadline = Date(timeIntervalSinceNow: stallPatienceSeconds)
            while items.count >= capacity && !closed && !draining && !writerFailing && (writerPaused || Date() < deadline) {
                if writerPaused {
                    condition.wait()
                    deadline = Date(timeIntervalSinceNow: stallPatienceSeconds)  // the patience starts when it resumes
                } else {
                    _ = condition.wait(until: deadline)
                }
            }
        }
        let full = items.count >= capacity && !closed && !draining
        if full && (writerFailing || overflowedReadings + handoff.columns.count > overflowReadings) {
            shedReadings(of: handoff)
        } else if full && shed == nil && handoff.columns.renumbering == nil, let last = items.indices.last {
            // The writer is stalled: the readings wait in memory, in order, for its next take.
            overflowing = true
            overflowedReadings += handoff.columns.count
            merge(handoff, into: last)
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

    /// Appends the readings and everything else of `handoff` to the queued hand-off at `index`.
    /// Under the lock; only while the writer is stalled, so the copy costs nothing in steady state.
    private func merge(_ handoff: Handoff, into index: Int) {
        let columns = handoff.columns
        items[index].columns.sid.append(contentsOf: columns.sid)
        items[index].columns.ts.append(contentsOf: columns.ts)
        items[index].columns.value.append(contentsOf: columns.value)
        items[index].columns.seq.append(contentsOf: columns.seq)
        items[index].absorb(handoff)
        if spare.count < capacity + 2 { spare.append(handoff.columns) }
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

    /// The writer does not take hand-offs on purpose (the spool is full under `on_full: block`):
    /// `put` waits for it while the queue is full.
    public func setWriterPaused(_ paused: Bool) {
        condition.lock()
        writerPaused = paused
        condition.broadcast()
        condition.unlock()
    }

    /// Whether the writer cannot commit, or is stalled with readings waiting in memory: no
    /// renumbering should be handed over meanwhile (it cannot be merged).
    public var isBacklogged: Bool {
        condition.lock()
        defer { condition.unlock() }
        return writerFailing || overflowing
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
        overflowing = false
        overflowedReadings = 0
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

    /// Gives a buffer back after its readings were committed. One that grew while the writer
    /// stalled (merged hand-offs) is let go, so its memory goes back instead of waiting for reuse.
    public func recycle(_ columns: consuming ReadingColumns) {
        guard columns.sid.capacity <= bufferCapacity * 2 else { return }
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
