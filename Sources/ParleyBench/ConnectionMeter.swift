import NIOCore

/// The measuring half of every load-generator connection, whatever protocol it speaks: the
/// subscriber's ledger and latency of each probe of its room, the messages that were not
/// probes, the reads that carried deliveries, and whether the connection closed.
///
/// The protocol handlers call ``beginRead()`` (through ``ReadMarker``) when bytes arrive,
/// ``receive(_:)`` for each message that may carry a probe, and ``readComplete()`` at the end
/// of a read batch. Confined to its channel's event loop; the run reaches it with ``run(_:)``.
final class ConnectionMeter: @unchecked Sendable {
    /// What the run measures on a subscriber connection.
    struct Subscription {
        /// The room whose probes it counts.
        var room: Int
        /// A deliberately slow reader: measured apart.
        var slow: Bool
        /// Every probe of the room, counted once.
        var ledger = DeliveryLedger()
    }

    /// The loop the connection runs on.
    let eventLoop: any EventLoop
    private let stats: LoopStats
    private let counters: RunCounters
    /// Set once the subscriber has subscribed to (joined) its room.
    var subscription: Subscription?
    /// Whether the connection closed.
    private(set) var isClosed = false
    /// Whether the run still expects this connection open (a drop is then counted).
    var expectOpen = true

    private var readTime: UInt64 = 0
    private var readCounted = false
    private var pendingDelivered = 0
    private var pendingOther = 0

    init(eventLoop: any EventLoop, stats: LoopStats, counters: RunCounters) {
        self.eventLoop = eventLoop
        self.stats = stats
        self.counters = counters
    }

    /// Runs `body` on the connection's loop.
    func run<T: Sendable>(_ body: @escaping @Sendable (ConnectionMeter) throws -> T) async throws -> T {
        try await eventLoop.submit { try body(self) }.get()
    }

    /// Bytes arrived from the socket (one read): what they complete is stamped with now.
    func beginRead() {
        readTime = BenchClock.now()
        readCounted = false
    }

    /// One message that may carry a probe (an event, a pushed message): measured if it is a
    /// probe of the subscriber's room, else counted as another event (on the loop).
    func receive(_ payload: UnsafeRawBufferPointer) {
        guard subscription != nil, let probe = Probe.find(in: payload), probe.room == subscription!.room else {
            pendingOther += 1
            return
        }
        subscription!.ledger.record(probe.index)
        let micros = readTime > probe.intended ? (readTime - probe.intended) / 1_000 : 0
        if subscription!.slow {
            stats.recorded.slowLatency.record(max(1, micros))
            return
        }
        stats.recorded.latency.record(max(1, micros))
        stats.recorded.lastDelivery = readTime
        pendingDelivered += 1
        if !readCounted {
            readCounted = true
            stats.recorded.reads += 1
        }
    }

    /// The end of a read batch: publishes the batch's counts to the run's counters (on the loop).
    func readComplete() {
        if pendingDelivered > 0 {
            counters.delivered.add(pendingDelivered, ordering: .relaxed)
            pendingDelivered = 0
        }
        if pendingOther > 0 {
            counters.otherEvents.add(pendingOther, ordering: .relaxed)
            pendingOther = 0
        }
    }

    /// The connection closed (on the loop); counted as dropped if the run expected it open.
    func closed() {
        readComplete()
        guard !isClosed else { return }
        isClosed = true
        if expectOpen { counters.dropped.add(1, ordering: .relaxed) }
    }
}
