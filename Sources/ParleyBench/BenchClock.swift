#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The load generator's one clock: monotonic nanoseconds, read the same way by publishers
/// (intended send times) and subscribers (arrival times), which live in the same process.
public enum BenchClock {
    /// Nanoseconds on the monotonic clock (an arbitrary origin, never going back).
    @inline(__always)
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// Wall-clock milliseconds since the epoch (token expiry only; never for latency).
enum WallTime {
    static func milliseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1_000 + UInt64(spec.tv_nsec) / 1_000_000
    }
}
