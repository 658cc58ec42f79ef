#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock in epoch milliseconds: the one place every module reads it (store times,
/// batch ages, retention horizons, webhook time stamps). `clock_gettime` allocates nothing, so
/// it is fit for hot paths.
public enum WallClock {
    /// Milliseconds since 1970-01-01T00:00:00Z, rounded down.
    public static func millis() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}
