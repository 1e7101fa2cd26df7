import ParleyCore
import ParleyWire
import Testing

@Suite struct ClientSessionTests {
    let now = Instant(milliseconds: 1_000)
    let limits = SessionConfiguration().limits

    private func welcome(rid: UInt64, session: String = "s1", resume: Wire.ResumeResult? = nil) -> Message {
        .welcome(Wire.Welcome(rid: rid, version: 1, session: session, resumeToken: "r-" + session,
                              identity: Wire.Identity(user: "v", role: .visitor), limits: limits, resume: resume, serverTime: 0))
    }

    private func event(_ seq: UInt64) -> Message {
        .event(Wire.Event(seq: seq, event: Wire.ConversationEvent(conversation: "c", cseq: seq, kind: .message, time: 0)))
    }

    private func notifications(_ actions: [ClientSession.Action]) -> [ClientSession.Notification] {
        actions.compactMap { if case .notify(let n) = $0 { n } else { nil } }
    }

    @Test func eventsAreHandedOnceInOrderAndAGapForcesAResume() {
        var client = ClientSession(configuration: .init(auth: Wire.Auth(scheme: "anonymous")))
        _ = client.connect(now: now)
        _ = client.receive(welcome(rid: 1), now: now)
        #expect(notifications(client.receive(event(1), now: now)) == [.event(event(1))])
        // SESSION-20: a repeat is ignored, a skip closes the connection.
        #expect(client.receive(event(1), now: now).isEmpty)
        #expect(client.receive(event(3), now: now) == [.close, .notify(.disconnected(.sequenceGap))])
        client.connectionLost(now: now)
        let hello = client.connect(now: now).first
        #expect({ if case .send(.hello(let h))? = hello { h.resume == Wire.ResumeRequest(token: "r-s1", lastSeq: 1) } else { false } }())
    }

    @Test func acksAreCumulativeAndBatched() {
        var config = ClientSession.Configuration(auth: Wire.Auth(scheme: "anonymous"))
        config.ackEvery = 3
        config.ackDelayMs = 100
        var client = ClientSession(configuration: config)
        _ = client.connect(now: now)
        _ = client.receive(welcome(rid: 1), now: now)
        _ = client.receive(event(1), now: now)
        _ = client.receive(event(2), now: now)
        // SESSION-11.
        #expect(client.receive(event(3), now: now).contains(.send(.ack(Wire.Ack(seq: 3)))))
        _ = client.receive(event(4), now: now)
        #expect(client.tick(now: now.adding(milliseconds: 100)).contains(.send(.ack(Wire.Ack(seq: 4)))))
    }

    @Test func expiredResumeIsSurfacedAndOnlyIdempotentCommandsAreResent() {
        var client = ClientSession(configuration: .init(auth: Wire.Auth(scheme: "anonymous")))
        _ = client.connect(now: now)
        _ = client.receive(welcome(rid: 1), now: now)
        let (sendRID, _) = client.issue(.send(Wire.Send(rid: 0, conversation: "c", clientMessageId: "m", text: "t")), now: now)
        let (joinRID, _) = client.issue(.join(Wire.Join(rid: 0, conversation: "c")), now: now)
        client.connectionLost(now: now)
        let (closeRID, _) = client.issue(.close(Wire.Close(rid: 0, conversation: "c")), now: now)
        let hello = client.connect(now: now)
        guard case .send(.hello(let h))? = hello.first else { Issue.record("no hello"); return }
        let actions = client.receive(welcome(rid: h.rid, session: "s2", resume: Wire.ResumeResult(status: .expired)), now: now)
        // SESSION-21.
        #expect(notifications(actions).prefix(2) == [.resyncNeeded(.expired),
                                                     .outcomeUnknown(.join(Wire.Join(rid: joinRID, conversation: "c")))])
        let resent = actions.compactMap { if case .send(let m) = $0 { m.commandRID } else { nil } }
        #expect(resent == [sendRID, closeRID])
        #expect(client.lastSeq == 0)
    }

    @Test func fatalErrorsAndGoodbyesDisconnect() {
        var client = ClientSession(configuration: .init(auth: Wire.Auth(scheme: "token", credential: "x")))
        _ = client.connect(now: now)
        #expect(notifications(client.receive(.error(Wire.ErrorReply(rid: 1, code: 2002, message: "no")), now: now))
            == [.disconnected(.error(.authFailed))])
        _ = client.connect(now: now)
        _ = client.receive(welcome(rid: 2), now: now)
        #expect(notifications(client.receive(.goodbye(Wire.Goodbye(code: 2013, reconnectAfterMs: 500)), now: now))
            == [.disconnected(.goodbye(.serverShutdown, reconnectAfterMs: 500))])
    }

    @Test func silentServersAreDeclaredDead() {
        var client = ClientSession(configuration: .init(auth: Wire.Auth(scheme: "anonymous")))
        _ = client.connect(now: now)
        _ = client.receive(welcome(rid: 1), now: now)
        // SESSION-26, SESSION-27.
        #expect(client.tick(now: now.adding(milliseconds: limits.heartbeatMs)).contains(.send(.ping(Wire.Ping(nonce: 1)))))
        #expect(client.tick(now: now.adding(milliseconds: limits.heartbeatTimeoutMs)) == [.close, .notify(.disconnected(.heartbeatTimeout))])
    }
}
