import CMosquitto
import Clocks

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libmosquitto setup, done exactly once and never undone
/// (`mosquitto_lib_cleanup` would break clients that are still alive).
enum Mosquitto {
    static let initialised: Void = {
        _ = mosquitto_lib_init()
    }()

    /// A monotonic clock reading in nanoseconds.
    static func monotonicNanos() -> UInt64 { MonotonicClock.nanos() }

    static func nanos(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}
