import NIOCore

/// One publishing connection: writes probes into its rooms in turn, either on a constant
/// schedule (each probe stamped with the time it was *meant* to go, so a late send shows as
/// latency instead of vanishing: no coordinated omission, as in wrk2) or as fast as the
/// server absorbs them, within a bounded lag of the measured subscribers. The same for every
/// server: what differs is the ``PublishWire``.
///
/// Confined to its wire's event loop.
final class Publisher: @unchecked Sendable {
    /// A room this publisher writes in.
    struct Room {
        /// The room's name on the server: a Parley conversation id, a Redis channel, a NATS subject.
        var name: String
        var index: Int
        /// Measured subscribers in the room: deliveries each publish is due.
        var fanout: Int
        var next = 0
        var accepted = 0
    }

    /// How probes are paced.
    enum Pace: Sendable {
        /// One probe every `interval` ns, the first at `offset` ns after the start.
        case constant(interval: UInt64, offset: UInt64)
        /// As fast as possible while fewer than `window` publishes' deliveries are outstanding.
        case flat(window: Int)
    }

    let wire: any PublishWire
    private var rooms: [Room]
    private let pace: Pace
    private let size: Int
    private let counters: RunCounters
    private var inFlight: [UInt64: Int] = [:]
    private var cursor = 0
    private var sent = 0
    private var start: UInt64 = 0
    private var stop: UInt64 = 0
    private var ticking = false

    /// The largest number of unanswered sends on one connection.
    static let maxInFlight = 256

    init(wire: any PublishWire, rooms: [Room], pace: Pace, size: Int, counters: RunCounters) {
        self.wire = wire
        self.rooms = rooms
        self.pace = pace
        self.size = size
        self.counters = counters
    }

    /// The publisher's event loop.
    var eventLoop: any EventLoop { wire.channel.eventLoop }

    /// Runs `body` on the publisher's loop.
    func run<T: Sendable>(_ body: @escaping @Sendable (Publisher) -> T) async throws -> T {
        try await eventLoop.submit { body(self) }.get()
    }

    /// Starts publishing at `start` until `stop` (``BenchClock`` ns), on the loop.
    func begin(start: UInt64, stop: UInt64) {
        self.start = start
        self.stop = stop
        wire.answers = { [unowned self] ticket, answer in self.answered(ticket, answer) }
        ticking = true
        tick()
    }

    /// Whether the publisher stopped and every send has its answer.
    var isDone: Bool { !ticking && inFlight.isEmpty }

    /// Probes accepted per room index.
    var acceptedByRoom: [(room: Int, accepted: Int)] { rooms.map { ($0.index, $0.accepted) } }

    private func tick() {
        let now = BenchClock.now()
        guard now < stop, !wire.isClosed else {
            ticking = false
            return
        }
        switch pace {
        case .constant(let interval, let offset):
            var intended = start + offset + UInt64(sent) * interval
            while intended <= now, intended < stop {
                publish(intended: intended)
                intended = start + offset + UInt64(sent) * interval
            }
            wire.channel.flush()
        case .flat:
            pump(now: now)
        }
        eventLoop.scheduleTask(in: .milliseconds(1)) { self.tick() }
    }

    private func pump(now: UInt64) {
        guard case .flat(let window) = pace, now < stop else { return }
        let fanout = max(1, rooms.map(\.fanout).reduce(0, +) / rooms.count)
        var wrote = false
        while inFlight.count < Self.maxInFlight, counters.lag < window * fanout {
            publish(intended: BenchClock.now())
            wrote = true
        }
        if wrote { wire.channel.flush() }
    }

    private func publish(intended: UInt64) {
        let slot = cursor
        cursor = (cursor + 1) % rooms.count
        let probe = Probe(room: rooms[slot].index, index: rooms[slot].next, intended: intended)
        rooms[slot].next += 1
        sent += 1
        counters.published.add(1, ordering: .relaxed)
        counters.expected.add(rooms[slot].fanout, ordering: .relaxed)
        if let ticket = wire.publish(probe.bytes(size: size), probe: probe, room: rooms[slot]) {
            inFlight[ticket] = slot
        } else {
            rooms[slot].accepted += 1
            counters.accepted.add(1, ordering: .relaxed)
        }
    }

    private func answered(_ ticket: UInt64, _ answer: PublishAnswer) {
        guard let slot = inFlight.removeValue(forKey: ticket) else { return }
        switch answer {
        case .accepted:
            rooms[slot].accepted += 1
            counters.accepted.add(1, ordering: .relaxed)
        case .refused(let reason):
            counters.refused.add(1, ordering: .relaxed)
            counters.firstRefusal.withLock { $0 = $0 ?? reason }
            counters.expected.subtract(rooms[slot].fanout, ordering: .relaxed)
        }
        if case .flat = pace { pump(now: BenchClock.now()) }
    }
}
