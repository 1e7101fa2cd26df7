import Foundation
import NIOCore
import NIOPosix

/// A fan-out run: publishers write probes into rooms, subscribers receive them, and every
/// delivery is measured. The same run for every server (``ServerKind``): the rooms are filled
/// through the server's own protocol (``ParleyFanoutSetup``: observers joining conversations;
/// ``PubSubFanoutSetup``: Redis or NATS subscriptions), then the same publishers, pacing,
/// latency measurement and accounting apply.
public final class FanoutRun: Sendable {
    private let options: FanoutOptions
    private let group: any EventLoopGroup
    /// Live counters, for a progress line.
    public let counters = RunCounters()

    /// A run of `options` on `group` (the bench's own event loops).
    public init(options: FanoutOptions, group: any EventLoopGroup) {
        self.options = options
        self.group = group
    }

    /// What the run is doing, for a progress line.
    public enum Phase: Sendable {
        /// Subscribers connected and subscribed so far.
        case connecting(done: Int, of: Int)
        /// Waiting for the subscribers' joins to reach everyone (Parley).
        case settling
        /// Publishing from `start` to `stop` (``BenchClock`` ns).
        case publishing(start: UInt64, stop: UInt64)
        /// Waiting for the last answers and deliveries.
        case draining
    }

    /// Runs the whole fan-out and returns what it measured; `progress` is called with each
    /// phase change and connection milestone.
    public func run(progress: @escaping @Sendable (Phase) -> Void = { _ in }) async throws -> FanoutResult {
        try options.validate()
        let dialer = try BenchDialer(endpoint: options.endpoint, group: group, counters: counters, sources: options.sources)
        let setupStart = BenchClock.now()
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let cast = switch options.server {
        case .parley: try await ParleyFanoutSetup(options: options, dialer: dialer, runID: runID).cast(progress: progress)
        case .redis: try await PubSubFanoutSetup<RedisPeer>(options: options, dialer: dialer, runID: runID).cast(progress: progress)
        case .nats: try await PubSubFanoutSetup<NATSPeer>(options: options, dialer: dialer, runID: runID).cast(progress: progress)
        }
        defer { cast.roster.leaveAll() }
        let setupSeconds = Double(BenchClock.now() - setupStart) / 1e9
        let publishers = cast.publishers.enumerated().map { p, publishing in
            Publisher(wire: publishing.wire, rooms: publishing.rooms, pace: pace(publisher: p), size: options.size, counters: counters)
        }

        // Publish.
        let cpuBefore = options.serverPID.flatMap(ProcessCPU.seconds(pid:))
        let benchCPUBefore = ProcessCPU.seconds(pid: getpid())
        let start = BenchClock.now() + 20_000_000
        let stop = start + UInt64(options.duration * 1e9)
        for publisher in publishers {
            publisher.eventLoop.execute { publisher.begin(start: start, stop: stop) }
        }
        progress(.publishing(start: start, stop: stop))
        while BenchClock.now() < stop { try await Task.sleep(for: .milliseconds(50)) }
        progress(.draining)
        try await drain(publishers)
        let cpuAfter = options.serverPID.flatMap(ProcessCPU.seconds(pid:))
        let benchCPUAfter = ProcessCPU.seconds(pid: getpid())

        // Account.
        var acceptedByRoom = [Int](repeating: 0, count: options.rooms)
        for publisher in publishers {
            for (room, accepted) in try await publisher.run({ $0.acceptedByRoom }) { acceptedByRoom[room] = accepted }
        }
        let merged = try await dialer.stats.merged()
        let accepted = acceptedByRoom.reduce(0, +)
        let refused = counters.refused.load(ordering: .relaxed)
        var result = FanoutResult(
            options: options, latency: merged.latency, slowLatency: merged.slowLatency,
            elapsed: Double(max(merged.lastDelivery, stop) - start) / 1e9, accepted: accepted,
            unanswered: counters.published.load(ordering: .relaxed) - accepted - refused, refused: refused,
            sessionGaps: merged.sessionGaps, sessionRepeats: merged.sessionRepeats, reads: merged.reads, setupSeconds: setupSeconds,
            subscriberSetupSeconds: cast.subscriberSeconds, firstRefusal: counters.firstRefusal.withLock { $0 })
        if let cpuBefore, let cpuAfter { result.serverCPUSeconds = cpuAfter - cpuBefore }
        if let benchCPUBefore, let benchCPUAfter { result.benchCPUSeconds = benchCPUAfter - benchCPUBefore }
        for meter in cast.subscribers {
            let (sub, closed) = try await meter.run { ($0.subscription!, $0.isClosed) }
            if sub.slow {
                if closed { result.slowDisconnected += 1 }
                continue
            }
            if closed { result.droppedSubscribers += 1 }
            result.deliveries += sub.ledger.distinct
            result.lost += sub.ledger.lost(accepted: acceptedByRoom[sub.room])
            result.duplicated += sub.ledger.duplicates
            result.outOfOrder += sub.ledger.outOfOrder
        }
        return result
    }

    private func pace(publisher p: Int) -> Publisher.Pace {
        guard options.rate > 0 else { return .flat(window: options.window) }
        let interval = 1e9 * Double(options.publishers) / options.rate
        return .constant(interval: UInt64(interval), offset: UInt64(interval * Double(p) / Double(options.publishers)))
    }

    /// Waits for every publish's answer and every due delivery, at most ``FanoutOptions/drainSeconds``.
    private func drain(_ publishers: [Publisher]) async throws {
        let deadline = BenchClock.now() + UInt64(options.drainSeconds * 1e9)
        while BenchClock.now() < deadline {
            var done = counters.lag <= 0
            for publisher in publishers where done {
                done = try await publisher.run { $0.isDone }
            }
            if done { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
