import NIOCore
import NIOPosix
import ParleyCore
import ParleyWire

/// A fan-out run through the real protocol, the way a live-chat deployment fills a room:
///
/// 1. *Hosts*: agents (signed tokens, SESSION-6) set `accepting` (ROUTE-6) with room for
///    20 conversations each, so every room is routed to one at once (ROUTE-7); each greets
///    its rooms, as an agent answers (so none is re-routed, ROUTE-9).
/// 2. *Rooms*: one anonymous visitor per room `create`s the conversation (CONV-1).
/// 3. *Publishers*: agents that `join` their rooms as `participant` (CONV-18) and `send`.
/// 4. *Subscribers*: agents (supervisors watching, in live-chat terms) that `join` a room as
///    `observer`: silent, and sent every event of the room (CONV-14).
///
/// Every connection does the handshake, acks its events and answers pings; only the
/// subscribers' deliveries are measured (the hosts, visitors and publishers also receive
/// each message: three deliveries per publish that the figures leave out).
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
        case connecting(done: Int, of: Int)
        case settling
        case publishing(start: UInt64, stop: UInt64)
        case draining
    }

    /// Runs the whole fan-out and returns what it measured; `progress` is called with each
    /// phase change and connection milestone.
    public func run(progress: @escaping @Sendable (Phase) -> Void = { _ in }) async throws -> FanoutResult {
        try options.validate()
        let dialer = try BenchDialer(endpoint: options.endpoint, group: group, counters: counters, sources: options.sources)
        let setupStart = BenchClock.now()
        let tokens = TokenMinter(key: options.key, team: options.team)
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var everyone: [BenchPeer] = []
        defer { for peer in everyone { peer.channel.eventLoop.execute { peer.leave() } } }

        // 1. Hosts.
        let hostCount = (options.rooms + FanoutOptions.roomsPerHost - 1) / FanoutOptions.roomsPerHost
        var hosts: [BenchPeer] = []
        for h in 0..<hostCount {
            let (host, _) = try await dialer.connect(index: h, auth: tokens.auth("bench-host-\(runID)-\(h)"))
            everyone.append(host)
            hosts.append(host)
            let max = UInt64(FanoutOptions.roomsPerHost)
            try expectOK("agentStatus", await host.request { .agentStatus(Wire.AgentStatus(rid: $0, routing: .accepting, maxConcurrent: max)) })
        }
        // 2. Rooms.
        var conversations: [String] = []
        var visitors: [BenchPeer] = []
        for r in 0..<options.rooms {
            let (visitor, _) = try await dialer.connect(index: hostCount + r, auth: Wire.Auth(scheme: "anonymous"))
            everyone.append(visitor)
            visitors.append(visitor)
            let reply = try await visitor.request { .create(Wire.Create(rid: $0, team: self.options.team, text: "bench room \(r)")) }
            guard case .ok(let ok) = reply, let conversation = ok.conversation else { throw BenchError.answer(to: "create", reply) }
            conversations.append(conversation)
        }
        defer { Self.closeRooms(visitors, conversations) }
        for (h, host) in hosts.enumerated() { try await greet(host, user: "bench-host-\(runID)-\(h)") }
        // 3. Publishers.
        let base = hostCount + options.rooms
        var fanout = [Int](repeating: 0, count: options.rooms)
        for i in options.slow..<options.subscribers { fanout[i % options.rooms] += 1 }
        var publishers: [Publisher] = []
        for p in 0..<options.publishers {
            let (peer, welcome) = try await dialer.connect(index: base + p, auth: tokens.auth("bench-pub-\(runID)-\(p)"))
            everyone.append(peer)
            try checkLimits(welcome.limits)
            var rooms: [Publisher.Room] = []
            for r in stride(from: p, to: options.rooms, by: options.publishers) {
                let conversation = conversations[r]
                try expectOK("join", await peer.request { .join(Wire.Join(rid: $0, conversation: conversation, mode: .participant)) })
                rooms.append(Publisher.Room(conversation: conversation, index: r, fanout: fanout[r]))
            }
            publishers.append(Publisher(peer: peer, rooms: rooms, pace: pace(publisher: p), size: options.size, counters: counters, runID: runID))
        }
        // 4. Subscribers.
        let subscribers = try await connectSubscribers(
            dialer: dialer, tokens: tokens, runID: runID, conversations: conversations, base: base + options.publishers) {
            progress(.connecting(done: $0, of: self.options.subscribers))
        }
        everyone += subscribers
        progress(.settling)
        try await settle()
        let setupSeconds = Double(BenchClock.now() - setupStart) / 1e9

        // Publish.
        let start = BenchClock.now() + 20_000_000
        let stop = start + UInt64(options.duration * 1e9)
        for publisher in publishers {
            publisher.peer.channel.eventLoop.execute { publisher.begin(start: start, stop: stop) }
        }
        progress(.publishing(start: start, stop: stop))
        while BenchClock.now() < stop { try await Task.sleep(for: .milliseconds(50)) }
        progress(.draining)
        try await drain(publishers)

        // Account.
        var acceptedByRoom = [Int](repeating: 0, count: options.rooms)
        for publisher in publishers {
            for (room, accepted) in try await publisher.peer.run({ _ in publisher.acceptedByRoom }) { acceptedByRoom[room] = accepted }
        }
        let merged = try await dialer.stats.merged()
        var result = FanoutResult(
            options: options, latency: merged.latency, slowLatency: merged.slow,
            elapsed: Double(max(merged.lastDelivery, stop) - start) / 1e9, accepted: acceptedByRoom.reduce(0, +),
            unanswered: counters.published.load(ordering: .relaxed) - acceptedByRoom.reduce(0, +) - counters.refused.load(ordering: .relaxed),
            refused: counters.refused.load(ordering: .relaxed), deliveries: 0, lost: 0, duplicated: 0, outOfOrder: 0,
            sessionGaps: merged.gaps, sessionRepeats: merged.repeats, droppedSubscribers: 0, slowDisconnected: 0,
            setupSeconds: setupSeconds, firstRefusal: counters.firstRefusal.withLock { $0 })
        for peer in subscribers {
            let (sub, closed) = try await peer.run { ($0.subscription!, $0.isClosed) }
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

    /// Each visitor closes their room, so the server frees its hosts (CONV-6); the run's
    /// agents are named per run, so a next run starts from empty rooms.
    private static func closeRooms(_ visitors: [BenchPeer], _ conversations: [String]) {
        for (visitor, conversation) in zip(visitors, conversations) {
            visitor.channel.eventLoop.execute {
                guard !visitor.isClosed else { return }
                visitor.send(.close(Wire.Close(rid: visitor.takeRID(), conversation: conversation)))
            }
        }
    }

    private func pace(publisher p: Int) -> Publisher.Pace {
        guard options.rate > 0 else { return .flat(window: options.window) }
        let interval = 1e9 * Double(options.publishers) / options.rate
        return .constant(interval: UInt64(interval), offset: UInt64(interval * Double(p) / Double(options.publishers)))
    }

    /// Tells the host's rooms that an agent is here (every host answers at once, as ROUTE-9 expects).
    private func greet(_ host: BenchPeer, user: String) async throws {
        let reply = try await host.request { .list(Wire.List(rid: $0, state: .active)) }
        guard case .conversations(let list) = reply else { throw BenchError.answer(to: "list", reply) }
        for summary in list.conversations where summary.agents.contains(user) {
            let id = summary.id
            try expectOK("greeting", await host.request {
                .send(Wire.Send(rid: $0, conversation: id, clientMessageId: "greet-\(id)", text: "Hello, how can I help?"))
            })
        }
    }

    private func connectSubscribers(
        dialer: BenchDialer, tokens: TokenMinter, runID: String, conversations: [String], base: Int, progress: @escaping @Sendable (Int) -> Void
    ) async throws -> [BenchPeer] {
        let options = self.options
        return try await withThrowingTaskGroup(of: BenchPeer.self) { tasks in
            var peers: [BenchPeer] = []
            var next = 0
            func add() {
                let i = next
                next += 1
                tasks.addTask {
                    let slow = i < options.slow
                    let (peer, _) = try await dialer.connect(
                        index: base + i, auth: tokens.auth("bench-sub-\(runID)-\(i)"),
                        slow: slow ? (options.slowChunk, .milliseconds(options.slowEveryMs)) : nil)
                    let room = i % options.rooms
                    let conversation = conversations[room]
                    try await peer.run { $0.subscription = BenchPeer.Subscription(room: room, slow: slow) }
                    try expectOK("join", await peer.request { .join(Wire.Join(rid: $0, conversation: conversation, mode: .observer)) })
                    return peer
                }
            }
            while next < min(options.setupConcurrency, options.subscribers) { add() }
            for try await peer in tasks {
                peers.append(peer)
                if peers.count % 100 == 0 || peers.count == options.subscribers { progress(peers.count) }
                if next < options.subscribers { add() }
            }
            return peers
        }
    }

    /// Waits until the join announcements have reached everyone (no event for 300 ms; at most 60 s).
    private func settle() async throws {
        var last = counters.otherEvents.load(ordering: .relaxed)
        var quiet = 0
        for _ in 0..<600 where quiet < 3 {
            try await Task.sleep(for: .milliseconds(100))
            let now = counters.otherEvents.load(ordering: .relaxed)
            quiet = now == last ? quiet + 1 : 0
            last = now
        }
    }

    /// Waits for every publish's result and every due delivery, at most ``FanoutOptions/drainSeconds``.
    private func drain(_ publishers: [Publisher]) async throws {
        let deadline = BenchClock.now() + UInt64(options.drainSeconds * 1e9)
        while BenchClock.now() < deadline {
            var done = counters.lag <= 0
            for publisher in publishers where done {
                done = try await publisher.peer.run { _ in publisher.isDone }
            }
            if done { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func checkLimits(_ limits: Wire.Limits) throws {
        let perPublisher = options.rate > 0 ? options.rate / Double(options.publishers) : 1_000_000
        guard Double(limits.messageRate) >= perPublisher * 60 * 1.2, limits.messageBurst >= 1_000 else {
            throw BenchError.invalid("""
                the server allows \(limits.messageRate) messages/min (burst \(limits.messageBurst)) per session, below the \
                \(Int(perPublisher * 60)) this run needs: start it with raised limits, e.g. \
                `parley serve --key KEY --message-rate 1000000000 --message-burst 1000000`
                """)
        }
    }
}

/// Fails unless `reply` is an `ok`.
func expectOK(_ step: String, _ reply: Message) throws {
    guard case .ok = reply else { throw BenchError.answer(to: step, reply) }
}
