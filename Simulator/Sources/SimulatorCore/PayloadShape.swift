/// How a device kind lays out its readings on the wire (DESIGN §3.1).
public enum PayloadShape: String, CaseIterable, Sendable {
    /// One message per sensor per tick, a bare number (`71.25`): no `ts`, no `seq`.
    case number
    /// One message per sensor per tick: `{"ts":…,"value":71.25,"unit":"C","seq":N}`.
    case object
    /// One message per device tick on the device-level topic: `{"ts":…,"seq":N,"temperature":71.2,…}`.
    case deviceObject = "device-object"
    /// One message per sensor every `batch` ticks: `[{"ts":…,"value":…,"seq":N},…]`.
    case array
}
