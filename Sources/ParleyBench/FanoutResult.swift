import Histogram

/// What a fan-out run measured.
public struct FanoutResult: Sendable {
    /// The options of the run.
    public var options: FanoutOptions
    /// Latency of the measured subscribers' deliveries, µs from the intended send time.
    public var latency: Histogram<UInt64>
    /// Latency of the slow subscribers' deliveries, µs.
    public var slowLatency: Histogram<UInt64>
    /// Seconds from the first intended publish to the last delivery.
    public var elapsed: Double
    /// Publishes the server accepted.
    public var accepted: Int
    /// Publishes sent whose result had not come when the run ended (a saturated server).
    public var unanswered: Int
    /// Publishes the server refused (rate limit, permission): should be 0.
    public var refused: Int
    /// Deliveries to measured subscribers (each probe once).
    public var deliveries: Int
    /// Probes a measured subscriber never received.
    public var lost: Int
    /// Probes a measured subscriber received more than once.
    public var duplicated: Int
    /// Probes a measured subscriber received after a later one of its room.
    public var outOfOrder: Int
    /// Session sequence numbers skipped or repeated (all connections).
    public var sessionGaps: Int
    public var sessionRepeats: Int
    /// Measured subscribers whose connection closed during the run.
    public var droppedSubscribers: Int
    /// Slow subscribers closed by the server (SLOW_CONSUMER) during the run.
    public var slowDisconnected: Int
    /// Seconds spent opening connections and joining.
    public var setupSeconds: Double
    /// Why the first refused publish was refused.
    public var firstRefusal: String?

    /// Deliveries per second.
    public var deliveriesPerSecond: Double { elapsed > 0 ? Double(deliveries) / elapsed : 0 }
    /// Accepted publishes per second of the publishing window.
    public var publishesPerSecond: Double { Double(accepted) / options.duration }
    /// Whether nothing was lost, duplicated, reordered or refused.
    public var isClean: Bool {
        lost == 0 && duplicated == 0 && outOfOrder == 0 && refused == 0 && unanswered == 0 && sessionGaps == 0 && sessionRepeats == 0
            && droppedSubscribers == 0
    }

    /// The latency at `percentile` in milliseconds.
    public func millis(_ percentile: Double, slow: Bool = false) -> Double {
        let h = slow ? slowLatency : latency
        return h.totalCount == 0 ? 0 : Double(h.valueAtPercentile(percentile)) / 1_000
    }

    /// The largest latency in milliseconds.
    public var maxMillis: Double { latency.totalCount == 0 ? 0 : Double(latency.max) / 1_000 }
}
