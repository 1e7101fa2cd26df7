import ParleyClient
import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// A slow consumer over real sockets (HUB-11, HUB-13, SESSION-33): a client that reads but
/// never acknowledges is closed with SLOW_CONSUMER once its session's log passes the bound,
/// while a healthy participant gets every message; resuming replays what it missed, without a
/// gap, from the log's room beyond the bound.
@Suite(.serialized) struct SlowConsumerNetworkTests {
    static func texts(_ messages: [Message]) -> [String] {
        messages.compactMap { if case .event(let e) = $0, e.event.kind == .message { e.event.text } else { nil } }
    }

    @Test func aClientThatNeverAcksIsClosedThenResumesWithoutAGap() async throws {
        var session = LiveServer.session
        session.maxRetainedEvents = 16
        session.messageRate = 100_000
        session.messageBurst = 1_000
        let live = try await LiveServer.start(session: session)
        defer { Task { try? await live.stop() } }
        let (agent, visitor, conversation) = try await live.chatPair(firstMessage: "message 0")
        var agentNotes = agent.notifications.makeAsyncIterator()

        // A supervisor who observes the conversation and never acknowledges anything.
        let auth = Wire.Auth(scheme: "token", credential: live.agentToken("sue"))
        let lazy = try await ClientConnection.connect(to: live.tcp)
        lazy.send(.hello(Wire.Hello(rid: 1, versions: [1], auth: auth)))
        lazy.send(.join(Wire.Join(rid: 2, conversation: conversation, mode: .observer)))
        // The staff are told of the join: from then on sue receives the conversation's events.
        let joined = await next(&agentNotes, within: 10) { note in
            if case .event(.event(let e)) = note { e.event.kind == .joined && e.event.agent == "sue" } else { false }
        }
        #expect(joined != nil)

        let expected = (1...24).map { "message \($0)" }
        for n in 1...24 {
            let reply = try await visitor.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "m\(n)", text: "message \(n)")))
            #expect(reply.name == "ok")
        }

        // The lazy observer: its events, then SLOW_CONSUMER and the close (SESSION-33).
        let (received, closed) = await NetworkAbuseTests.drain(lazy)
        #expect(closed)
        #expect(NetworkAbuseTests.errorCodes(received) == [.slowConsumer])
        guard case .welcome(let welcome)? = received.first else { Issue.record("no welcome: \(received)"); return }
        let seqs = received.compactMap(\.eventSeq)
        let processed = try #require(seqs.last)
        #expect(seqs == Array(1...processed), "events in seq order, no gap")
        #expect(processed > 16, "closed only once past the bound")

        // The healthy agent got every message meanwhile.
        var agentTexts: [String] = []
        while agentTexts.count < 24 {
            guard let note = await next(&agentNotes, within: 5, where: { if case .event = $0 { true } else { false } }),
                case .event(let message) = note
            else { break }
            agentTexts += Self.texts([message])
        }
        #expect(agentTexts == expected)

        // Resuming from the last processed event replays the rest (HUB-13): all 24 messages seen once.
        let again = try await ClientConnection.connect(to: live.tcp)
        again.send(.hello(Wire.Hello(rid: 1, versions: [1], auth: auth, resume: Wire.ResumeRequest(token: welcome.resumeToken, lastSeq: processed))))
        var replayed: [Message] = []
        var lastSeq: UInt64?
        var iterator = again.events.makeAsyncIterator()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, replayed.last?.eventSeq == nil || replayed.last?.eventSeq != lastSeq,
            case .message(let message)? = await iterator.next()
        {
            replayed.append(message)
            if case .welcome(let w) = message { lastSeq = w.resume?.lastSeq }
        }
        again.close()
        guard case .welcome(let resumed)? = replayed.first else { Issue.record("no welcome on resume: \(replayed)"); return }
        #expect(resumed.resume?.status == .resumed)
        let newest = try #require(resumed.resume?.lastSeq)
        #expect(replayed.compactMap(\.eventSeq) == Array(stride(from: processed + 1, through: newest, by: 1)))
        // The observer was first sent what came before its join (CONV-31): "message 0".
        #expect(Self.texts(received) + Self.texts(replayed) == ["message 0"] + expected, "every message, once, in order")
    }
}
