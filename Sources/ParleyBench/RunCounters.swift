import Synchronization

/// Counters shared by every connection of a run, read by the progress line and by the
/// publishers' flow control in as-fast-as-possible mode. Subscribers add per read batch,
/// not per delivery, so the atomics stay off the hot path.
public final class RunCounters: Sendable {
    /// Deliveries the measured (not slow) subscribers are due: each publish adds its room's
    /// measured subscriber count when sent, and takes it back if refused.
    public let expected = Atomic<Int>(0)
    /// Deliveries the measured subscribers received (fresh or not).
    public let delivered = Atomic<Int>(0)
    /// Publishes sent.
    public let published = Atomic<Int>(0)
    /// Publishes the server accepted (`ok`).
    public let accepted = Atomic<Int>(0)
    /// Publishes the server refused (an `error` result: rate limit, permission).
    public let refused = Atomic<Int>(0)
    /// Events that were not probes (joins and other system events), for setup quiescence.
    public let otherEvents = Atomic<Int>(0)
    /// Connections that closed while the run expected them open.
    public let dropped = Atomic<Int>(0)
    /// The first refusal's error, to tell why publishes were refused.
    public let firstRefusal = Mutex<String?>(nil)

    /// Creates zeroed counters.
    public init() {}

    /// Deliveries due but not yet received.
    public var lag: Int { expected.load(ordering: .relaxed) - delivered.load(ordering: .relaxed) }
}
