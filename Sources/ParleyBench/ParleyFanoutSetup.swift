import ParleyCore
import ParleyWire

/// Fills Parley rooms the way a live-chat deployment does, for a ``FanoutRun``:
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
struct ParleyFanoutSetup {
    let options: FanoutOptions
    let dialer: BenchDialer
    /// Names the run's agents and client message ids, so runs do not meet.
    let runID: String

    /// Opens and joins everything; the roster closes the rooms (CONV-6, so the server frees
    /// its hosts) and says goodbye on every connection.
    func cast(progress: @escaping @Sendable (FanoutRun.Phase) -> Void) async throws -> FanoutCast {
        try await Roster.casting { roster in try await cast(roster: roster, progress: progress) }
    }

    private func cast(roster: Roster, progress: @escaping @Sendable (FanoutRun.Phase) -> Void) async throws -> FanoutCast {
        let options = self.options
        let tokens = TokenMinter(key: options.key, team: options.team)
        let connect = { @Sendable (index: Int, auth: Wire.Auth, slow: BenchDialer.SlowReading?) async throws -> (BenchPeer, Wire.Welcome) in
            let (peer, welcome) = try await dialer.connect(index: index, auth: auth, slow: slow)
            roster.add { peer.channel.eventLoop.execute { peer.leave() } }
            return (peer, welcome)
        }
        // 1. Hosts.
        let hostCount = (options.rooms + FanoutOptions.roomsPerHost - 1) / FanoutOptions.roomsPerHost
        var hosts: [BenchPeer] = []
        for h in 0..<hostCount {
            let (host, _) = try await connect(h, tokens.auth("bench-host-\(runID)-\(h)"), nil)
            hosts.append(host)
            let max = UInt64(FanoutOptions.roomsPerHost)
            try expectOK("agentStatus", await host.request { .agentStatus(Wire.AgentStatus(rid: $0, routing: .accepting, maxConcurrent: max)) })
        }
        // 2. Rooms.
        var conversations: [String] = []
        for r in 0..<options.rooms {
            let (visitor, _) = try await connect(hostCount + r, Wire.Auth(scheme: "anonymous"), nil)
            let reply = try await visitor.request { .create(Wire.Create(rid: $0, team: options.team, text: "bench room \(r)")) }
            guard case .ok(let ok) = reply, let conversation = ok.conversation else { throw BenchError.answer(to: "create", reply) }
            conversations.append(conversation)
            roster.add { Self.close(conversation, by: visitor) }
        }
        for (h, host) in hosts.enumerated() { try await greet(host, user: "bench-host-\(runID)-\(h)") }
        // 3. Publishers.
        let base = hostCount + options.rooms
        let fanout = options.measuredFanout
        var publishers: [FanoutCast.Publishing] = []
        for p in 0..<options.publishers {
            let (peer, welcome) = try await connect(base + p, tokens.auth("bench-pub-\(runID)-\(p)"), nil)
            try checkLimits(welcome.limits)
            var rooms: [Publisher.Room] = []
            for r in options.rooms(ofPublisher: p) {
                let conversation = conversations[r]
                try expectOK("join", await peer.request { .join(Wire.Join(rid: $0, conversation: conversation, mode: .participant)) })
                rooms.append(Publisher.Room(name: conversation, index: r, fanout: fanout[r]))
            }
            publishers.append(FanoutCast.Publishing(wire: ParleyPublishWire(peer: peer, runID: runID), rooms: rooms))
        }
        // 4. Subscribers.
        let first = base + options.publishers
        let runID = self.runID
        let rooms = conversations
        let subscribersStart = BenchClock.now()
        let subscribers = try await FanoutCast.openAll(
            count: options.subscribers, concurrency: options.setupConcurrency, progress: { progress(.connecting(done: $0, of: options.subscribers)) }
        ) { i in
            let slow = options.isSlow(subscriber: i)
            let (peer, _) = try await connect(
                first + i, tokens.auth("bench-sub-\(runID)-\(i)"), slow ? (options.slowChunk, .milliseconds(options.slowEveryMs)) : nil)
            let room = options.room(ofSubscriber: i)
            let conversation = rooms[room]
            try await peer.meter.run { $0.subscription = ConnectionMeter.Subscription(room: room, slow: slow) }
            try expectOK("join", await peer.request { .join(Wire.Join(rid: $0, conversation: conversation, mode: .observer)) })
            return peer.meter
        }
        progress(.settling)
        let quiet = try await settle()
        return FanoutCast(
            publishers: publishers, subscribers: subscribers, subscriberSeconds: Double(quiet - subscribersStart) / 1e9, roster: roster)
    }

    /// The visitor closes their room (on its loop), unless their connection is gone.
    private static func close(_ conversation: String, by visitor: BenchPeer) {
        visitor.channel.eventLoop.execute {
            guard !visitor.isClosed else { return }
            visitor.send(.close(Wire.Close(rid: visitor.takeRID(), conversation: conversation)))
        }
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

    /// Waits until the join announcements have reached everyone (no event for 300 ms, looked
    /// at every 10 ms; at most 60 s); returns when the last one arrived (``BenchClock`` ns,
    /// to 10 ms).
    private func settle() async throws -> UInt64 {
        let counters = dialer.counters
        var last = counters.otherEvents.load(ordering: .relaxed)
        var lastChange = BenchClock.now()
        let deadline = lastChange + 60_000_000_000
        while BenchClock.now() - lastChange < 300_000_000, BenchClock.now() < deadline {
            try await Task.sleep(for: .milliseconds(10))
            let now = counters.otherEvents.load(ordering: .relaxed)
            if now != last {
                last = now
                lastChange = BenchClock.now()
            }
        }
        return lastChange
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
