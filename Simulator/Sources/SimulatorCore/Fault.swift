/// A fault applied to one device tick, decided from the seed by ``ScenarioPlan/fault(device:seq:)``.
public enum Fault: Sendable, Equatable {
    /// One malformed message of this kind replaces the tick's messages.
    case malformed(MalformedKind)
    /// The tick's messages are sent twice.
    case duplicate
    /// The tick's messages are sent after the next tick's.
    case outOfOrder
    /// The tick's `ts` is shifted by this many milliseconds (±).
    case skew(millis: Int64)
    /// The tick's messages are lost before the broker (its `seq` is used and never sent).
    case drop
}
