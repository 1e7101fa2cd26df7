import ParleyCore
import ParleyServer
import ParleyTestSupport
import ParleyWire
import Testing

/// A visitor's ``ClientSession`` driven against ``ServerCore`` over a lossy in-memory link with
/// an injected clock and a slow store, while an agent writes in their conversation. The
/// connection drops at random points, sometimes for longer than the resume window; writes are
/// confirmed late and out of order, often after the connection that asked has gone (results,
/// events and welcomes wait for them). Checked (SESSION-10…25): every event of the conversation
/// published to a session reaches the client exactly once and in order, or the client was told
/// of the gap; every command gets exactly one outcome; no message is created twice.
@Suite struct SessionSimulationTests {
    struct Simulation {
        var server: CoreDriver
        var client: ClientSession
        var random: SeededRandom
        let conversation: String
        /// The agent assigned to the conversation, on a connection that never drops.
        let agent: ConnectionID
        var connection: ConnectionID?
        var reconnectAt: Instant?
        var toServer: [Message] = []
        var toClient: [Message] = []
        var clientTimer: Instant?
        // Observations.
        var received: [String: [Message]] = [:]
        /// The conversation's last cseq when the server opened each session: the session is owed
        /// every later event the visitor may see.
        var openedAfter: [String: UInt64] = [:]
        var toldGap: Set<String> = []
        var sessionsSeen: [String] = []
        var outcomes: [UInt64: Int] = [:]
        var issued: [UInt64: Message] = [:]
        var sendOutcome: [String: Message] = [:]
        /// Sends given up after a lost session because first sent half an idempotency window ago
        /// (SESSION-21), and when each send was first issued.
        var abandonedSends = 0
        var issuedAt: [String: Instant] = [:]
        var drops = 0
        var longOutages = 0
        var sent = 0
        var pushed = 0

        var now: Instant { server.now }

        init(seed: UInt64) throws {
            var session = SessionConfiguration()
            session.resumeWindowMs = 30_000
            session.messageRate = 60_000
            session.messageBurst = 10_000
            server = CoreDriver(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"], session: session))
            // Before the store turns slow: agent ana accepts chats; a visitor starts a
            // conversation, which she is assigned and answers; the visitor's first connection leaves.
            agent = server.connectAgent("ana")
            server.answeringPings.insert(agent)
            _ = server.command({ .agentStatus(Wire.AgentStatus(rid: $0, routing: .accepting)) }, on: agent)
            let (setup, welcome) = try server.connectVisitor()
            conversation = try server.startConversation(on: setup).id
            server.write("hello", in: conversation, on: agent)
            server.send(.goodbye(Wire.Goodbye(code: 2018)), on: setup)
            server.drop(setup)
            server.holdsWrites = true
            var clientConfiguration = ClientSession.Configuration(auth: CoreDriver.sessionAuth(welcome))
            clientConfiguration.ackEvery = 4
            clientConfiguration.ackDelayMs = 100
            client = ClientSession(configuration: clientConfiguration)
            random = SeededRandom(seed: seed)
            reconnectAt = server.now
        }

        mutating func perform(_ actions: [ClientSession.Action]) {
            for action in actions {
                switch action {
                case .send(let message): if connection != nil { toServer.append(message) }
                case .close: dropConnection(clientSide: false)
                case .armTimer(let deadline): clientTimer = deadline
                case .notify(let notification): observe(notification)
                }
            }
        }

        mutating func observe(_ notification: ClientSession.Notification) {
            switch notification {
            case .established(let session, _):
                if sessionsSeen.last != session { sessionsSeen.append(session) }
            case .resyncNeeded:
                if let previous = sessionsSeen.last { toldGap.insert(previous) }
            case .event(let event):
                received[client.sessionID ?? "?", default: []].append(event)
            case .result(let result):
                let rid = result.resultRID ?? 0
                outcomes[rid, default: 0] += 1
                if case .send(let send)? = issued[rid] { sendOutcome[send.clientMessageId] = result }
            case .outcomeUnknown(let command):
                outcomes[command.commandRID ?? 0, default: 0] += 1
                if case .send(let send) = command {
                    abandonedSends += 1
                    #expect(now.milliseconds(since: issuedAt[send.clientMessageId] ?? now) >= SessionConfiguration().idempotencyWindowMs / 2,
                            "SESSION-21: \(send.clientMessageId) given up while the server still remembers it")
                }
            case .ephemeral, .error:
                break
            case .disconnected:
                dropConnection(clientSide: false)
            }
        }

        mutating func issueSend(id: String, text: String) {
            if issuedAt[id] == nil { issuedAt[id] = now }
            let (rid, actions) = client.issue(CoreDriver.message(rid: 0, id: id, text: text, in: conversation), now: now)
            issued[rid] = CoreDriver.message(rid: rid, id: id, text: text, in: conversation)
            perform(actions)
        }

        /// A command without a client message id.
        mutating func issueHistory() {
            let (rid, actions) = client.issue(.history(Wire.History(rid: 0, conversation: conversation, limit: 1)), now: now)
            issued[rid] = .history(Wire.History(rid: rid, conversation: conversation, limit: 1))
            perform(actions)
        }

        mutating func dropConnection(clientSide: Bool) {
            guard let connection else { return }
            server.drop(connection)
            client.connectionLost(now: now)
            self.connection = nil
            toServer.removeAll()
            toClient.removeAll()
            drops += 1
            let long = clientSide && Int.random(in: 0..<10, using: &random) == 0
            if long { longOutages += 1 }
            reconnectAt = now.adding(milliseconds: long ? 40_000 : UInt64.random(in: 0...3_000, using: &random))
        }

        mutating func pumpServer(_ count: Int) {
            guard let connection else { return }
            for _ in 0..<min(count, toServer.count) {
                server.send(toServer.removeFirst(), on: connection)
                if let (session, _) = server.core.establishedSession(on: connection), openedAfter[session] == nil {
                    openedAfter[session] = server.core.chat.conversation(conversation)?.lastCseq
                }
            }
            collect()
        }

        mutating func collect() {
            guard let connection else { return }
            toClient.append(contentsOf: server.take(connection))
            if server.closed[connection] != nil, toClient.isEmpty { dropConnection(clientSide: false) }
        }

        mutating func pumpClient(_ count: Int) {
            for _ in 0..<min(count, toClient.count) where connection != nil {
                perform(client.receive(toClient.removeFirst(), now: now))
            }
            if let connection, server.closed[connection] != nil, toClient.isEmpty { dropConnection(clientSide: false) }
        }

        /// The store confirms up to `count` writes, each one of the three oldest waiting: roughly
        /// in order, as a store with concurrent writes does.
        mutating func confirmSome(_ count: Int) {
            for _ in 0..<min(count, server.writes.count) {
                server.confirm(server.writes[Int.random(in: 0..<min(3, server.writes.count), using: &random)].id)
            }
            collect()
        }

        mutating func advance(_ milliseconds: UInt64) {
            server.advance(by: milliseconds)
            collect()
            if let deadline = clientTimer, deadline <= now {
                clientTimer = nil
                perform(client.tick(now: now))
            }
        }

        mutating func reconnectIfDue() {
            guard connection == nil, let at = reconnectAt, at <= now else { return }
            connection = server.open()
            reconnectAt = nil
            perform(client.connect(now: now))
        }

        mutating func step() {
            reconnectIfDue()
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<15:
                sent += 1
                issueSend(id: "m\(sent)", text: "m\(sent)")
            case 15..<18:
                issueHistory()
            case 18..<30:
                pushed += 1
                server.write("push\(pushed)", in: conversation, on: agent)
                collect()
            case 30..<50:
                pumpServer(Int.random(in: 1...4, using: &random))
            case 50..<72:
                pumpClient(Int.random(in: 1...6, using: &random))
            case 72..<82:
                confirmSome(Int.random(in: 1...6, using: &random))
            case 82..<96:
                advance(UInt64.random(in: 0...2_500, using: &random))
            default:
                dropConnection(clientSide: true)
            }
        }

        /// No more drops: reconnect, confirm every write, deliver everything, let acks flush.
        mutating func quiesce() {
            for _ in 0..<200 {
                if connection == nil {
                    if let at = reconnectAt, at > now { server.advance(by: at.milliseconds(since: now)) }
                    reconnectAt = now
                    reconnectIfDue()
                }
                server.confirmWrites()
                collect()
                pumpServer(toServer.count)
                pumpClient(toClient.count)
                if toServer.isEmpty && toClient.isEmpty && server.writes.isEmpty && client.pendingCount == 0
                    && client.isEstablished { return }
                advance(50)
            }
        }

        /// The conversation's events a visitor may see, in order.
        func visibleEvents() -> [ChatEvent] {
            let last = server.core.chat.conversation(conversation)?.lastCseq ?? 0
            return server.core.chat.store.events(of: conversation, in: 1...max(last, 1)).filter { $0.isVisible(to: .visitor) }
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func randomDropsNeverLoseDuplicateOrReorder(seed: UInt64) throws {
        var sim = try Simulation(seed: seed)
        for _ in 0..<16_000 { sim.step() }
        sim.quiesce()
        #expect(sim.drops > 200)
        #expect(sim.longOutages > 5)
        #expect(sim.client.pendingCount == 0)

        // Events: exactly once, in order, and complete for the last session; a shorter prefix of
        // what an earlier session was owed only if the client was told.
        let final = try #require(sim.client.sessionID)
        let events = sim.visibleEvents()
        for session in sim.sessionsSeen {
            let openedAfter = try #require(sim.openedAfter[session], "session \(session) was never opened")
            let owed = events.filter { $0.cseq > openedAfter }
            let got = sim.received[session] ?? []
            #expect(got.count <= owed.count, "session \(session)")
            #expect(owed.prefix(got.count).map(\.cseq) == got.compactMap(\.conversationEvent?.cseq), "session \(session) out of order")
            #expect(got.compactMap(\.eventSeq) == Array(1...UInt64(max(got.count, 1))).prefix(got.count).map { $0 })
            if session == final {
                #expect(got.count == owed.count, "final session \(session) is missing events")
            } else if got.count < owed.count {
                #expect(sim.toldGap.contains(session), "session \(session) lost events silently")
            }
        }

        // Commands: exactly one outcome each; sends end with exactly one message in the history.
        #expect(sim.outcomes.count == sim.issued.count)
        #expect(sim.outcomes.values.allSatisfy { $0 == 1 })
        for (id, outcome) in sim.sendOutcome {
            #expect(outcome.okBody != nil, "\(id) ended with \(outcome)")
            #expect(sim.server.stored(id, in: sim.conversation) == 1, "\(id) created twice or never")
        }
        let messages = events.compactMap(\.wire.clientMessageId)
        #expect(Set(messages).count == messages.count, "a message was created twice")
        #expect(sim.sendOutcome.count + sim.abandonedSends == sim.sent)
    }
}
