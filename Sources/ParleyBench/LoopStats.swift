import Histogram
import NIOCore

/// What the subscribers of one event loop measured. Each loop has its own, touched only on
/// that loop, so recording a delivery takes no lock; the run merges them at the end.
final class LoopStats: @unchecked Sendable {
    /// Latency of measured subscribers' deliveries, µs from the intended send time.
    var latency = LoopStats.makeHistogram()
    /// Latency of the slow subscribers' deliveries (kept apart: they are the disturbance).
    var slowLatency = LoopStats.makeHistogram()
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
}

/// Every loop's ``LoopStats`` added up.
struct MergedStats: Sendable {
    var latency = LoopStats.makeHistogram()
    var slowLatency = LoopStats.makeHistogram()
    var lastDelivery: UInt64 = 0
    var reads = 0
    var sessionRepeats = 0
    var sessionGaps = 0
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
    func merged() async throws -> MergedStats {
        var merged = MergedStats()
        for (loop, stats) in entries {
            let part = try await loop.submit {
                MergedStats(
                    latency: stats.latency, slowLatency: stats.slowLatency, lastDelivery: stats.lastDelivery, reads: stats.reads,
                    sessionRepeats: stats.sessionRepeats, sessionGaps: stats.sessionGaps)
            }.get()
            merged.latency.add(part.latency)
            merged.slowLatency.add(part.slowLatency)
            merged.lastDelivery = max(merged.lastDelivery, part.lastDelivery)
            merged.reads += part.reads
            merged.sessionRepeats += part.sessionRepeats
            merged.sessionGaps += part.sessionGaps
        }
        return merged
    }
}
