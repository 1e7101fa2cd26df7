import Histogram
import NIOCore

/// What subscribers measured: one loop's, or every loop's added up.
struct DeliveryStats: Sendable {
    /// Latency of measured subscribers' deliveries, µs from the intended send time.
    var latency = DeliveryStats.makeHistogram()
    /// Latency of the slow subscribers' deliveries (kept apart: they are the disturbance).
    var slowLatency = DeliveryStats.makeHistogram()
    /// The last delivery to a measured subscriber (``BenchClock`` ns).
    var lastDelivery: UInt64 = 0
    /// Socket reads of measured subscribers that completed at least one delivery.
    var reads = 0
    /// Session sequence numbers seen twice or going back (SESSION-10 broken).
    var sessionRepeats = 0
    /// Session sequence numbers skipped.
    var sessionGaps = 0

    /// Histograms from 1 µs to 10 min with 3 significant digits (their memory is ~100 KB).
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Adds `other`'s counts and samples to these.
    mutating func add(_ other: DeliveryStats) {
        latency.add(other.latency)
        slowLatency.add(other.slowLatency)
        lastDelivery = max(lastDelivery, other.lastDelivery)
        reads += other.reads
        sessionRepeats += other.sessionRepeats
        sessionGaps += other.sessionGaps
    }
}

/// What the subscribers of one event loop measured. Each loop has its own, touched only on
/// that loop, so recording a delivery takes no lock; the run merges them at the end.
final class LoopStats: @unchecked Sendable {
    /// The loop's counts and samples.
    var recorded = DeliveryStats()
}

/// One ``LoopStats`` per event loop of a group, found by the loop a connection runs on.
final class StatsBook: Sendable {
    private let entries: [(loop: any EventLoop, stats: LoopStats)]

    init(group: any EventLoopGroup) {
        entries = group.makeIterator().map { ($0, LoopStats()) }
    }

    /// The stats of `loop`.
    func stats(for loop: any EventLoop) -> LoopStats {
        entries.first { $0.loop === loop }?.stats ?? entries[0].stats
    }

    /// Every loop's stats, each read on its own loop, merged.
    func merged() async throws -> DeliveryStats {
        var merged = DeliveryStats()
        for (loop, stats) in entries {
            merged.add(try await loop.submit { stats.recorded }.get())
        }
        return merged
    }
}
