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
    /// Publishes the server accepted (on NATS, which answers none: publishes written).
    public var accepted: Int
    /// Publishes sent whose answer had not come when the run ended (a saturated server).
    public var unanswered: Int
    /// Publishes the server refused (rate limit, permission): should be 0.
    public var refused: Int
    /// Session sequence numbers skipped (all connections; Parley only).
    public var sessionGaps: Int
    /// Session sequence numbers repeated or going back (all connections; Parley only).
    public var sessionRepeats: Int
    /// Socket reads of measured subscribers that brought at least one delivery.
    public var reads: Int
    /// Seconds spent opening connections and subscribing (joining), everything included.
    public var setupSeconds: Double
    /// Seconds the subscribers alone took to connect and subscribe (on Parley: to join, until
    /// their joins were announced to everyone).
    public var subscriberSetupSeconds: Double
    /// Why the first refused publish was refused.
    public var firstRefusal: String?
    /// Deliveries to measured subscribers (each probe once).
    public var deliveries = 0
    /// Probes a measured subscriber never received.
    public var lost = 0
    /// Probes a measured subscriber received more than once.
    public var duplicated = 0
    /// Probes a measured subscriber received after a later one of its room.
    public var outOfOrder = 0
    /// Measured subscribers whose connection closed during the run.
    public var droppedSubscribers = 0
    /// Slow subscribers closed by the server (SLOW_CONSUMER) during the run.
    public var slowDisconnected = 0
    /// CPU seconds (user + system) the server process used from the start of publishing to
    /// the end of the drain, if its process was given (``FanoutOptions/serverPID``).
    public var serverCPUSeconds: Double?
    /// CPU seconds the load generator itself (this process) used over the same time: on one
    /// machine it competes with the server for the cores.
    public var benchCPUSeconds: Double?

    /// Deliveries per second.
    public var deliveriesPerSecond: Double { elapsed > 0 ? Double(deliveries) / elapsed : 0 }
    /// Accepted publishes per second of the publishing window.
    public var publishesPerSecond: Double { Double(accepted) / options.duration }
    /// Measured deliveries per socket read that brought any: how much the server batches its writes.
    public var deliveriesPerRead: Double { reads > 0 ? Double(latency.totalCount) / Double(reads) : 0 }
    /// The server's CPU µs per measured delivery while publishing, if its CPU time is known
    /// (deliveries to connections the run does not measure, such as Parley's hosts, included in the CPU).
    public var serverCPUPerDelivery: Double? {
        guard let serverCPUSeconds, deliveries > 0 else { return nil }
        return serverCPUSeconds * 1e6 / Double(deliveries)
    }
    /// The load generator's CPU µs per measured delivery while publishing.
    public var benchCPUPerDelivery: Double? {
        guard let benchCPUSeconds, deliveries > 0 else { return nil }
        return benchCPUSeconds * 1e6 / Double(deliveries)
    }
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
