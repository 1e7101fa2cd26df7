#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ParleyCore

/// The real time, read where the core may not read it: the server injects it into every input.
public enum WallClock {
    /// Now, in milliseconds since the Unix epoch.
    public static func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Instant(milliseconds: UInt64(spec.tv_sec) * 1_000 + UInt64(spec.tv_nsec) / 1_000_000)
    }
}
