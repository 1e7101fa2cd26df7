import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// Resumption, heartbeats and the end of sessions (SESSION-14…19, SESSION-26, -27, -33…35) on
/// ``ServerCore``: a visitor's session receives the messages its other tab writes in their
/// conversation.
@Suite struct ServerSessionResumeTests {
    /// A visitor's session that received `count` messages written by the visitor's other tab,
    /// acked `acked` of them and dropped.
    struct Dropped {
        var welcome: Wire.Welcome
        var conversation: String
        /// The seq acked before the messages.
        var base: UInt64
        /// The visitor's other connection (another session), which wrote them.
        var tab: ConnectionID

        var auth: Wire.Auth { CoreDriver.sessionAuth(welcome) }

        func resume(lastSeq: UInt64) -> Wire.ResumeRequest { Wire.ResumeRequest(token: welcome.resumeToken, lastSeq: base + lastSeq) }
    }

    private func dropAfterEvents(_ d: inout CoreDriver, count: Int, acked: UInt64) throws -> Dropped {
        let (c, welcome) = try d.connectVisitor()
        let (conversation, base) = try d.startConversation(on: c)
        let (tab, _) = d.connect(CoreDriver.sessionAuth(welcome))
        for i in 1...count { d.write("e\(i)", in: conversation, on: tab) }
        if acked > 0 { d.send(.ack(Wire.Ack(seq: base + acked)), on: c) }
        d.drop(c)
        return Dropped(welcome: welcome, conversation: conversation, base: base, tab: tab)
    }

    @Test func resumeInsideTheWindowReplaysExactlyWhatWasMissed() throws {
        var d = CoreDriver()
        let s = try dropAfterEvents(&d, count: 5, acked: 1)
        d.write("while away", in: s.conversation, on: s.tab)
        d.advance(by: SessionConfiguration().resumeWindowMs - 1)
        let (c, resumed) = d.connect(s.auth, resume: s.resume(lastSeq: 3))
        // SESSION-14, SESSION-15.
        #expect(resumed?.session == s.welcome.session)
        #expect(resumed?.resume == Wire.ResumeResult(status: .resumed, replayFrom: s.base + 4, lastSeq: s.base + 6))
        let replay = d.take(c)
        #expect(replay.compactMap(\.eventSeq) == [4, 5, 6].map { s.base + $0 })
        #expect(replay.compactMap(\.conversationEvent?.text) == ["e4", "e5", "while away"])
    }

    @Test func resumeAfterTheWindowIsExpiredAndOpensANewSession() throws {
        var d = CoreDriver()
        let s = try dropAfterEvents(&d, count: 2, acked: 0)
        d.advance(by: SessionConfiguration().resumeWindowMs)
        let (c, welcome) = d.connect(s.auth, resume: s.resume(lastSeq: 0))
        // SESSION-16.
        #expect(welcome?.resume?.status == .expired)
        #expect(welcome.map { $0.session != s.welcome.session } == true)
        #expect(d.take(c).isEmpty)
    }

    @Test func unrecognisedOrForeignTokensAreUnknown() throws {
        var d = CoreDriver()
        let s = try dropAfterEvents(&d, count: 1, acked: 0)
        let (_, garbage) = d.connect(s.auth, resume: Wire.ResumeRequest(token: "garbage", lastSeq: 0))
        #expect(garbage?.resume?.status == .unknown)
        // Another visitor presenting the token gets nothing of the session.
        let (stranger, welcome) = d.connect(CoreDriver.anonymous, resume: s.resume(lastSeq: 0))
        #expect(welcome?.resume?.status == .unknown)
        #expect(d.take(stranger).isEmpty)
    }

    @Test func aGapTheServerCannotReplayIsExpiredNotSilent() throws {
        var d = CoreDriver { $0.maxRetainedEvents = 3 }
        let s = try dropAfterEvents(&d, count: 3, acked: 0)
        // A detached session retains up to twice the bound (SESSION-33): 6 events, then a gap.
        for text in ["o4", "o5", "o6", "o7"] { d.write(text, in: s.conversation, on: s.tab) }
        let (c, welcome) = d.connect(s.auth, resume: s.resume(lastSeq: 0))
        // SESSION-16, SESSION-33.
        #expect(welcome?.resume?.status == .expired)
        #expect(d.take(c).isEmpty)
    }

    @Test func aDetachedSessionResumesWithEverythingUpToTwiceTheBound() throws {
        var d = CoreDriver { $0.maxRetainedEvents = 3 }
        let s = try dropAfterEvents(&d, count: 3, acked: 0)
        for text in ["o4", "o5", "o6"] { d.write(text, in: s.conversation, on: s.tab) }
        let (c, welcome) = d.connect(s.auth, resume: s.resume(lastSeq: 1))
        // SESSION-14, SESSION-33: everything after lastSeq is replayed, in order.
        #expect(welcome?.resume == Wire.ResumeResult(status: .resumed, replayFrom: s.base + 2, lastSeq: s.base + 6))
        #expect(d.take(c).compactMap(\.eventSeq) == [2, 3, 4, 5, 6].map { s.base + $0 })
    }

    @Test func lastSeqBeyondTheSessionIsAckOutOfRange() throws {
        var d = CoreDriver()
        let s = try dropAfterEvents(&d, count: 2, acked: 0)
        let (c, welcome) = d.connect(s.auth, resume: s.resume(lastSeq: 3))
        // SESSION-17.
        #expect(welcome == nil)
        #expect(d.closed[c] == .ackOutOfRange)
    }

    @Test func resumingAnAttachedSessionReplacesTheOldConnection() throws {
        var d = CoreDriver()
        let (old, w) = try d.connectVisitor()
        let (_, resumed) = d.connect(CoreDriver.sessionAuth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 0))
        // SESSION-18.
        #expect(resumed?.resume?.status == .resumed)
        #expect(d.take(old).first?.errorCode == .sessionReplaced)
        #expect(d.closed[old] == .sessionReplaced)
    }

    @Test func reSentCommandsAfterResumptionRunOnce() throws {
        var d = CoreDriver()
        let (c1, w) = try d.connectVisitor()
        let (conversation, lastSeq) = try d.startConversation(on: c1)
        let m1 = CoreDriver.message(rid: 2, id: "m1", in: conversation)
        let m2 = CoreDriver.message(rid: 3, id: "m2", in: conversation)
        d.holdsWrites = true
        d.send(m1, on: c1)
        d.send(m2, on: c1)
        let writes = d.writes
        #expect(writes.count == 2)
        d.confirm(writes[0].id)  // m1's ok goes out, and is lost with the connection
        d.drop(c1)  // m2's ok, waiting for its write, is dropped with it
        let c2 = d.open()
        d.send(.hello(Wire.Hello(rid: 1, versions: [1], auth: CoreDriver.sessionAuth(w),
                                 resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: lastSeq))), on: c2)
        #expect(d.take(c2).isEmpty, "STORE-1: the welcome waits for m2's write")
        d.confirmWrites()
        #expect({ if case .welcome(let welcome)? = d.take(c2).first { welcome.resume?.status == .resumed } else { false } }())
        // SESSION-19: each re-sent command gets its one result again; neither runs again.
        let again1 = d.exchange(m1, on: c2)
        let again2 = d.exchange(m2, on: c2)
        #expect(again1.map(\.resultRID) == [2] && again1.first?.okBody?.duplicate == nil)
        #expect(again2.map(\.resultRID) == [3] && again2.first?.okBody?.duplicate == nil)
        #expect(d.stored("m1", in: conversation) == 1 && d.stored("m2", in: conversation) == 1)
        // On the connection that received it, the same rid is a new command (SESSION-23 answers it).
        #expect(d.exchange(m1, on: c2).first?.okBody?.duplicate == true)
        #expect(d.stored("m1", in: conversation) == 1)
    }

    @Test func heartbeatsPingWhenIdleAndCloseSilentPeersResumably() throws {
        var d = CoreDriver()
        let (c, w) = try d.connectVisitor()
        d.advance(by: SessionConfiguration().heartbeatMs)
        // SESSION-26.
        #expect(d.take(c) == [.ping(Wire.Ping(nonce: 1))])
        #expect(d.exchange(.ping(Wire.Ping(nonce: 9)), on: c) == [.pong(Wire.Pong(nonce: 9))])
        d.advance(by: SessionConfiguration().heartbeatTimeoutMs - 1)
        #expect(d.closed[c] == nil)
        _ = d.take(c)
        d.advance(by: 1)
        // SESSION-27.
        #expect(d.take(c).first?.errorCode == .heartbeatTimeout)
        #expect(d.closed[c] == .heartbeatTimeout)
        let (_, resumed) = d.connect(CoreDriver.sessionAuth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 0))
        #expect(resumed?.resume?.status == .resumed)
    }

    @Test func goodbyeEndsTheSessionAndShutdownKeepsItResumable() throws {
        var d = CoreDriver()
        let (c1, ended) = try d.connectVisitor()
        #expect(d.exchange(.goodbye(Wire.Goodbye(code: 2018)), on: c1).isEmpty)
        #expect(d.closed[c1] == .goingAway)
        let (_, after) = d.connect(CoreDriver.sessionAuth(ended), resume: Wire.ResumeRequest(token: ended.resumeToken, lastSeq: 0))
        // SESSION-34.
        #expect(after?.resume?.status == .expired)
        let (c2, shut) = try d.connectVisitor()
        d.perform(d.core.shutdown(reconnectAfterMs: 2_000, now: d.now))
        // SESSION-35.
        #expect(d.take(c2).contains(.goodbye(Wire.Goodbye(code: 2013, message: "server shutting down", reconnectAfterMs: 2_000))))
        let (_, back) = d.connect(CoreDriver.sessionAuth(shut), resume: Wire.ResumeRequest(token: shut.resumeToken, lastSeq: 0))
        #expect(back?.resume?.status == .resumed)
    }

    @Test func unackedBacklogBeyondCapacityIsASlowConsumer() throws {
        var d = CoreDriver { $0.maxRetainedEvents = 4 }
        let (c, w) = try d.connectVisitor()
        let (conversation, base) = try d.startConversation(on: c)
        let (tab, _) = d.connect(CoreDriver.sessionAuth(w))
        for i in 1...5 { d.write("e\(i)", in: conversation, on: tab) }
        // SESSION-33: the fifth event goes out, then SLOW_CONSUMER; everything stays retained.
        let sent = d.take(c)
        #expect(sent.compactMap(\.eventSeq) == [1, 2, 3, 4, 5].map { base + $0 })
        #expect(sent.compactMap(\.errorCode) == [.slowConsumer])
        #expect(sent.last?.errorCode == .slowConsumer)
        #expect(d.closed[c] == .slowConsumer)
        let (resumed, welcome) = d.connect(CoreDriver.sessionAuth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: base + 4))
        #expect(welcome?.resume?.status == .resumed)
        #expect(d.take(resumed).compactMap(\.eventSeq) == [base + 5])
    }
}
