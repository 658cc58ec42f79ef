/// One device's message stream: generator + faults + renderer, advanced one tick at a time.
///
/// The engine keeps one stream per device, calls ``tick(wallMillis:into:)`` at the device's
/// scheduled times, and publishes what lands in the buffer; at the end it calls
/// ``flush(wallMillis:into:)`` for messages still held back (out-of-order, a partial array batch).
///
/// Per tick: a `silent` hazard publishes nothing; a malformed fault replaces the tick's
/// messages with one malformed message; a duplicate sends them twice; out-of-order sends them
/// after the next tick's; a drop loses them; skew shifts their `ts`; a device whose clock is off
/// (``ScenarioPlan/clockOffsetMillis(device:)``) has every `ts` shifted. Every tick consumes one `seq`.
public struct DeviceStream: Sendable {
    /// What one tick did.
    public struct Tick: Sendable, Equatable {
        /// The tick's seq.
        public var seq: Int64
        /// True when a `silent` hazard suppressed it.
        public var isSilent: Bool
        /// The fault applied, if any (for `array`, faults apply when a batch completes).
        public var fault: Fault?
    }

    /// The device index.
    public var device: Int { planned.index }
    /// The seq the next tick will have.
    public private(set) var nextSeq: Int64

    private let plan: ScenarioPlan
    private let planned: PlannedDevice
    private var generator: DeviceGenerator
    private var values: [Double] = []
    private var held = MessageBuffer(capacity: 0)
    private var pending = MessageBuffer(capacity: 0)
    // A partial `array` batch.
    private var batchValues: [Double] = []
    private var batchTs: [Int64] = []
    private var batchFirstSeq: Int64 = 0
    /// This device's clock error, added to every `ts` it sends.
    private let clockOffsetMillis: Int64

    /// A stream for `device`, starting at tick `firstSeq`.
    public init(plan: ScenarioPlan, device: Int, firstSeq: Int64 = 0) {
        self.plan = plan
        planned = plan.devices[device]
        generator = plan.generator(device: device)
        clockOffsetMillis = plan.clockOffsetMillis(device: device)
        nextSeq = firstSeq
        batchValues.reserveCapacity(planned.batch * planned.sensors.count)
        batchTs.reserveCapacity(planned.batch)
    }

    /// Advances one tick, appending its messages (none, some, or held ones) to `buffer`.
    /// - Parameter wallMillis: the `ts` to send (epoch milliseconds); the one input that may
    ///   differ between runs.
    @discardableResult
    public mutating func tick(wallMillis: Int64, into buffer: inout MessageBuffer) -> Tick {
        let seq = nextSeq
        nextSeq += 1
        guard generator.values(seq: seq, into: &values) else {
            return Tick(seq: seq, isSilent: true, fault: nil)
        }
        if planned.payload == .array {
            if batchTs.isEmpty { batchFirstSeq = seq }
            batchValues.append(contentsOf: values)
            batchTs.append(wallMillis)
            guard batchTs.count == planned.batch else { return Tick(seq: seq, isSilent: false, fault: nil) }
        }
        let fault = plan.fault(device: planned.index, seq: seq)
        emit(seq: seq, wallMillis: wallMillis, fault: fault, into: &buffer)
        return Tick(seq: seq, isSilent: false, fault: fault)
    }

    /// Sends what is still held back: an out-of-order tick and a partial `array` batch.
    public mutating func flush(wallMillis: Int64, into buffer: inout MessageBuffer) {
        if !batchTs.isEmpty { emit(seq: nextSeq - 1, wallMillis: wallMillis, fault: nil, into: &buffer) }
        buffer.append(contentsOf: held)
        held.removeAll()
    }

    private mutating func emit(seq: Int64, wallMillis: Int64, fault: Fault?, into buffer: inout MessageBuffer) {
        pending.removeAll()
        if case .drop = fault {
            batchValues.removeAll(keepingCapacity: true)
            batchTs.removeAll(keepingCapacity: true)
            return
        }
        var ts = wallMillis + clockOffsetMillis
        if case .skew(let millis) = fault { ts += millis }
        if case .malformed(let kind) = fault {
            let value = planned.payload == .array ? batchValues[0] : values[0]
            PayloadRenderer.renderMalformed(kind, device: planned, seq: seq, value: value, ts: ts, into: &pending)
        } else if planned.payload == .array {
            let shift = clockOffsetMillis + { if case .skew(let millis) = fault { millis } else { 0 } }()
            if shift != 0 { for index in batchTs.indices { batchTs[index] += shift } }
            PayloadRenderer.renderArray(device: planned, firstSeq: batchFirstSeq, values: batchValues, ts: batchTs, into: &pending)
        } else {
            PayloadRenderer.render(device: planned, seq: seq, values: values, ts: ts, into: &pending)
        }
        batchValues.removeAll(keepingCapacity: true)
        batchTs.removeAll(keepingCapacity: true)
        if case .duplicate = fault {
            for index in pending.messages.indices { pending.appendDuplicate(of: index) }
        }
        if case .outOfOrder = fault {
            held.append(contentsOf: pending)  // goes out after the next tick's messages
            return
        }
        buffer.append(contentsOf: pending)
        if !held.isEmpty {
            buffer.append(contentsOf: held)
            held.removeAll()
        }
    }
}
