#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's monotonic clock (`CLOCK_MONOTONIC`) in nanoseconds: for timeouts, leases and
/// commit windows, never for time stamps (``WallClock``). One implementation for every module.
public enum MonotonicClock {
    public static func nanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
