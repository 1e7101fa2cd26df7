import ParleyCore
import ParleyWire
import Testing

@Suite struct ServerSessionResumeTests {
    /// Connects, receives `count` events, acks `acked`, drops; returns the first welcome.
    private func dropAfterEvents(_ f: inout SessionFixture, count: Int, acked: UInt64) throws -> Wire.Welcome {
        let (c, welcome, _) = f.connect()
        let w = try #require(welcome)
        for i in 1...count { f.server.push(SessionFixture.event("e\(i)"), to: w.session, now: f.now) }
        if acked > 0 { _ = f.send(.ack(Wire.Ack(seq: acked)), on: c) }
        f.server.drop(c, now: f.now)
        return w
    }

    private func auth(_ w: Wire.Welcome) -> Wire.Auth { Wire.Auth(scheme: "session", credential: w.sessionToken) }

    @Test func resumeInsideTheWindowReplaysExactlyWhatWasMissed() throws {
        var f = SessionFixture()
        let w = try dropAfterEvents(&f, count: 5, acked: 1)
        f.server.push(SessionFixture.event("while away"), to: w.session, now: f.now)
        f.advance(SessionConfiguration().resumeWindowMs - 1)
        let (_, resumed, replay) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 3))
        // SESSION-14, SESSION-15.
        #expect(resumed?.session == w.session)
        #expect(resumed?.resume == Wire.ResumeResult(status: .resumed, replayFrom: 4, lastSeq: 6))
        #expect(replay.compactMap(\.eventSeq) == [4, 5, 6])
        #expect(replay.compactMap(\.eventText) == ["e4", "e5", "while away"])
    }

    @Test func resumeAfterTheWindowIsExpiredAndOpensANewSession() throws {
        var f = SessionFixture()
        let w = try dropAfterEvents(&f, count: 2, acked: 0)
        f.advance(SessionConfiguration().resumeWindowMs)
        let (_, welcome, replay) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 0))
        // SESSION-16.
        #expect(welcome?.resume?.status == .expired)
        #expect(welcome.map { $0.session != w.session } == true)
        #expect(replay.isEmpty)
    }

    @Test func unrecognisedOrForeignTokensAreUnknown() throws {
        var f = SessionFixture()
        let w = try dropAfterEvents(&f, count: 1, acked: 0)
        let (_, garbage, _) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: "garbage", lastSeq: 0))
        #expect(garbage?.resume?.status == .unknown)
        // Another visitor presenting the token gets nothing of the session.
        let (_, stranger, replay) = f.connect(resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 0))
        #expect(stranger?.resume?.status == .unknown)
        #expect(replay.isEmpty)
    }

    @Test func aGapTheServerCannotReplayIsExpiredNotSilent() throws {
        var f = SessionFixture { $0.maxRetainedEvents = 3 }
        let w = try dropAfterEvents(&f, count: 3, acked: 0)
        // A detached session retains up to twice the bound (SESSION-33): 6 events, then a gap.
        for text in ["o4", "o5", "o6", "o7"] { f.server.push(SessionFixture.event(text), to: w.session, now: f.now) }
        let (_, welcome, replay) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 0))
        // SESSION-16, SESSION-33.
        #expect(welcome?.resume?.status == .expired)
        #expect(replay.isEmpty)
    }

    @Test func aDetachedSessionResumesWithEverythingUpToTwiceTheBound() throws {
        var f = SessionFixture { $0.maxRetainedEvents = 3 }
        let w = try dropAfterEvents(&f, count: 3, acked: 0)
        for text in ["o4", "o5", "o6"] { f.server.push(SessionFixture.event(text), to: w.session, now: f.now) }
        let (_, welcome, replay) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 1))
        // SESSION-14, SESSION-33: everything after lastSeq 1 is replayed, in order.
        #expect(welcome?.resume == Wire.ResumeResult(status: .resumed, replayFrom: 2, lastSeq: 6))
        #expect(replay.compactMap(\.eventSeq) == [2, 3, 4, 5, 6])
    }

    @Test func lastSeqBeyondTheSessionIsAckOutOfRange() throws {
        var f = SessionFixture()
        let w = try dropAfterEvents(&f, count: 2, acked: 0)
        let (c, welcome, _) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 3))
        // SESSION-17.
        #expect(welcome == nil)
        #expect(f.server.closed[c] == .ackOutOfRange)
    }

    @Test func resumingAnAttachedSessionReplacesTheOldConnection() throws {
        var f = SessionFixture()
        let (old, welcome, _) = f.connect()
        let w = try #require(welcome)
        let (_, resumed, _) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 0))
        // SESSION-18.
        #expect(resumed?.resume?.status == .resumed)
        #expect(f.server.take(old).first?.errorCode == .sessionReplaced)
        #expect(f.server.closed[old] == .sessionReplaced)
    }

    @Test func reSentCommandsAfterResumptionRunOnce() throws {
        var f = SessionFixture()
        f.server.deferCompletion = true
        let (c1, welcome, _) = f.connect()
        let w = try #require(welcome)
        let join = Message.join(Wire.Join(rid: 2, conversation: "c1"))
        let close = Message.close(Wire.Close(rid: 3, conversation: "c1"))
        _ = f.send(join, on: c1)
        _ = f.send(close, on: c1)
        f.server.completeDeferred(count: 1, now: f.now)  // join's ok is lost with the connection
        f.server.drop(c1, now: f.now)
        let (c2, _, _) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 0))
        // SESSION-19: the retained result is sent again; the command in progress is adopted.
        #expect(f.send(join, on: c2) == [.ok(Wire.Ok(rid: 2))])
        #expect(f.send(close, on: c2).isEmpty)
        f.server.completeDeferred(count: 1, now: f.now)
        #expect(f.server.take(c2) == [.ok(Wire.Ok(rid: 3))])
        #expect(f.server.dispatched.count == 2)
        // On the connection that received it, the same rid is a new command.
        f.server.deferCompletion = false
        #expect(f.send(join, on: c2) == [.ok(Wire.Ok(rid: 2))])
        #expect(f.server.dispatched.count == 3)
    }

    @Test func heartbeatsPingWhenIdleAndCloseSilentPeersResumably() throws {
        var f = SessionFixture()
        let (c, welcome, _) = f.connect()
        let w = try #require(welcome)
        f.advance(SessionConfiguration().heartbeatMs)
        // SESSION-26.
        #expect(f.server.take(c) == [.ping(Wire.Ping(nonce: 1))])
        #expect(f.send(.ping(Wire.Ping(nonce: 9)), on: c) == [.pong(Wire.Pong(nonce: 9))])
        f.advance(SessionConfiguration().heartbeatTimeoutMs - 1)
        #expect(f.server.isOpen(c))
        _ = f.server.take(c)
        f.advance(1)
        // SESSION-27.
        #expect(f.server.take(c).first?.errorCode == .heartbeatTimeout)
        #expect(f.server.closed[c] == .heartbeatTimeout)
        let (_, resumed, _) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 0))
        #expect(resumed?.resume?.status == .resumed)
    }

    @Test func goodbyeEndsTheSessionAndShutdownKeepsItResumable() throws {
        var f = SessionFixture()
        let (c1, w1, _) = f.connect()
        #expect(f.send(.goodbye(Wire.Goodbye(code: 2018)), on: c1).isEmpty)
        #expect(f.server.closed[c1] == .goingAway)
        let ended = try #require(w1)
        let (_, after, _) = f.connect(auth: auth(ended), resume: Wire.ResumeRequest(token: ended.resumeToken, lastSeq: 0))
        // SESSION-34.
        #expect(after?.resume?.status == .expired)
        let (c2, w2, _) = f.connect()
        f.server.shutdown(reconnectAfterMs: 2_000, now: f.now)
        // SESSION-35.
        #expect(f.server.take(c2).contains(.goodbye(Wire.Goodbye(code: 2013, message: "server shutting down", reconnectAfterMs: 2_000))))
        let shut = try #require(w2)
        let (_, back, _) = f.connect(auth: auth(shut), resume: Wire.ResumeRequest(token: shut.resumeToken, lastSeq: 0))
        #expect(back?.resume?.status == .resumed)
    }

    @Test func unackedBacklogBeyondCapacityIsASlowConsumer() throws {
        var f = SessionFixture { $0.maxRetainedEvents = 4 }
        let (c, welcome, _) = f.connect()
        let w = try #require(welcome)
        for i in 1...5 { f.server.push(SessionFixture.event("e\(i)"), to: w.session, now: f.now) }
        // SESSION-33: the fifth event goes out, then SLOW_CONSUMER; everything stays retained.
        let sent = f.server.take(c)
        #expect(sent.compactMap(\.eventSeq) == [1, 2, 3, 4, 5])
        #expect(sent.compactMap(\.errorCode) == [.slowConsumer])
        #expect(sent.last?.errorCode == .slowConsumer)
        let (_, resumed, replay) = f.connect(auth: auth(w), resume: Wire.ResumeRequest(token: w.resumeToken, lastSeq: 4))
        #expect(resumed?.resume?.status == .resumed)
        #expect(replay.compactMap(\.eventSeq) == [5])
    }
}
