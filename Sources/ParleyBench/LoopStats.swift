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
    /// Session sequence numbers seen twice or going back (SESSION-10 broken).
    var sessionRepeats = 0
    /// Session sequence numbers skipped.
    var sessionGaps = 0

    /// Histograms from 1 µs to 10 min with 3 significant digits (their memory is ~100 KB).
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }
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
    func merged() async throws -> (latency: Histogram<UInt64>, slow: Histogram<UInt64>, lastDelivery: UInt64, repeats: Int, gaps: Int) {
        var latency = LoopStats.makeHistogram()
        var slow = LoopStats.makeHistogram()
        var last: UInt64 = 0
        var repeats = 0
        var gaps = 0
        for (loop, stats) in entries {
            let part = try await loop.submit { (stats.latency, stats.slowLatency, stats.lastDelivery, stats.sessionRepeats, stats.sessionGaps) }.get()
            latency.add(part.0)
            slow.add(part.1)
            last = max(last, part.2)
            repeats += part.3
            gaps += part.4
        }
        return (latency, slow, last, repeats, gaps)
    }
}
