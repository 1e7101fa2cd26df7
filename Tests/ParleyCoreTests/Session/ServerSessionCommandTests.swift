import ParleyCore
import ParleyWire
import Testing

@Suite struct ServerSessionCommandTests {
    @Test func eventsAreNumberedFromOneAndAcksTrimAndAreRangeChecked() throws {
        var f = SessionFixture()
        let (c, welcome, _) = f.connect()
        let session = try #require(welcome?.session)
        for text in ["a", "b", "c"] { f.server.push(SessionFixture.event(text), to: session, now: f.now) }
        // SESSION-10.
        #expect(f.server.take(c).compactMap(\.eventSeq) == [1, 2, 3])
        #expect(f.send(.ack(Wire.Ack(seq: 2)), on: c).isEmpty)
        #expect(f.server.registry.sequence(of: session)?.retained == 1)
        // SESSION-11: backwards, then beyond the last seq sent.
        #expect(f.send(.ack(Wire.Ack(seq: 1)), on: c).first?.errorCode == .ackOutOfRange)
        let (c2, w2, _) = f.connect()
        #expect(f.send(.ack(Wire.Ack(seq: 1)), on: c2).first?.errorCode == .ackOutOfRange)
        #expect(f.server.closed[c2] == .ackOutOfRange)
        _ = w2
    }

    @Test func everyCommandGetsOneResultAndRidsAreChecked() {
        var f = SessionFixture()
        f.server.deferCompletion = true
        let (c, _, _) = f.connect()
        #expect(f.send(SessionFixture.sendCommand(rid: 5, id: "m1"), on: c).allSatisfy { $0.resultRID == nil })
        // SESSION-12: a rid still in progress on the same connection.
        let dup = f.send(.join(Wire.Join(rid: 5, conversation: "c1")), on: c)
        #expect(dup.first?.errorCode == .duplicateRequestId)
        #expect(f.send(.join(Wire.Join(rid: 0, conversation: "c1")), on: c).first?.errorCode == .invalidArgument)
        f.server.completeDeferred(count: 10, now: f.now)
        let results = f.server.take(c).filter { $0.resultRID != nil }
        #expect(results.map(\.resultRID) == [5])
        #expect(f.server.isOpen(c))
    }

    @Test func retransmittedSendReturnsTheOriginalResultAndCreatesNothing() throws {
        var f = SessionFixture()
        let (c, _, _) = f.connect()
        let first = f.send(SessionFixture.sendCommand(rid: 2, id: "m1"), on: c)
        let original = try #require(first.compactMap(\.okBody).first)
        // SESSION-23: same user, same clientMessageId, same content, new rid.
        let again = f.send(SessionFixture.sendCommand(rid: 3, id: "m1"), on: c)
        #expect(again == [.ok(Wire.Ok(rid: 3, conversation: original.conversation, cseq: original.cseq, duplicate: true))])
        // SESSION-24.
        #expect(f.send(SessionFixture.sendCommand(rid: 4, id: "m1", text: "other"), on: c).first?.errorCode == .idempotencyConflict)
        #expect(f.server.created.values.reduce(0, +) == 1)
    }

    @Test func idempotencyOutlivesTheSessionAndExpiresAfterTheWindow() throws {
        var f = SessionFixture()
        let (c1, w1, _) = f.connect()
        _ = f.send(SessionFixture.sendCommand(rid: 2, id: "m1"), on: c1)
        _ = f.send(.goodbye(Wire.Goodbye(code: 2018)), on: c1)
        let token = try #require(w1?.sessionToken)
        let (c2, _, _) = f.connect(auth: Wire.Auth(scheme: "session", credential: token))
        #expect(f.send(SessionFixture.sendCommand(rid: 2, id: "m1"), on: c2).first?.okBody?.duplicate == true)
        f.advance(SessionConfiguration().idempotencyWindowMs)
        #expect(f.server.registry.idempotency.count == 0)
        let (c3, _, _) = f.connect(auth: Wire.Auth(scheme: "session", credential: token))
        #expect(f.send(SessionFixture.sendCommand(rid: 3, id: "m1"), on: c3).first?.okBody?.duplicate == nil)
        #expect(f.server.created.values.reduce(0, +) == 2)
    }

    @Test func retransmissionWhileTheOriginalRunsIsOverloadedAndFailedOriginalsAreForgotten() {
        var f = SessionFixture()
        f.server.deferCompletion = true
        let (c, _, _) = f.connect()
        _ = f.send(SessionFixture.sendCommand(rid: 2, id: "m1"), on: c)
        // SESSION-25.
        let busy = f.send(SessionFixture.sendCommand(rid: 3, id: "m1"), on: c)
        #expect(busy.first?.errorCode == .overloaded)
        #expect({ if case .error(let e) = busy.first { e.retryAfterMs != nil && e.rid == 3 } else { false } }())
        // An error result means no effect: the key is forgotten.
        let session = f.server.session(of: c)!
        f.server.deferred = [(session, .error(Wire.ErrorReply(rid: 2, code: 3004, message: "not a participant")))]
        f.server.completeDeferred(count: 1, now: f.now)
        _ = f.server.take(c)
        #expect(f.send(SessionFixture.sendCommand(rid: 4, id: "m1"), on: c).allSatisfy { $0.resultRID == nil })
        #expect(f.server.dispatched.count == 2)
    }

    @Test func invalidArgumentsAreRejectedBeforeTheApplication() {
        var f = SessionFixture { $0.maxText = 10; $0.maxAttachments = 1 }
        let (c, _, _) = f.connect()
        let attachment = Wire.Attachment(name: "a", mimeType: "text/plain", size: 1, url: "u")
        let bad: [Message] = [
            SessionFixture.sendCommand(rid: 2, id: "", text: "x"),
            SessionFixture.sendCommand(rid: 3, id: "m", text: String(repeating: "é", count: 6)),
            SessionFixture.sendCommand(rid: 4, id: "m", text: ""),
            .send(Wire.Send(rid: 5, conversation: "c", clientMessageId: "m", text: "", attachments: [attachment, attachment])),
            .note(Wire.Note(rid: 6, conversation: "c", clientMessageId: "n", text: "")),
            .create(Wire.Create(rid: 7, clientMessageId: "")),
        ]
        for message in bad {
            // SESSION-22, SESSION-30.
            let reply = f.send(message, on: c)
            #expect(reply.first?.errorCode == .invalidArgument, "\(message)")
            #expect(reply.first?.resultRID == message.commandRID)
        }
        #expect(f.server.dispatched.isEmpty)
        #expect(f.server.isOpen(c))
    }

    @Test func subscriptionsAreCapped() {
        var f = SessionFixture { $0.maxSubscriptions = 2 }
        let (c, _, _) = f.connect()
        #expect(f.send(.subscribe(Wire.Subscribe(rid: 2, topic: "a")), on: c).first?.okBody != nil)
        #expect(f.send(.subscribe(Wire.Subscribe(rid: 3, topic: "b")), on: c).first?.okBody != nil)
        #expect(f.send(.subscribe(Wire.Subscribe(rid: 4, topic: "a")), on: c).first?.okBody != nil)
        // SESSION-31.
        #expect(f.send(.subscribe(Wire.Subscribe(rid: 5, topic: "c")), on: c).first?.errorCode == .tooManySubscriptions)
        _ = f.send(.unsubscribe(Wire.Unsubscribe(rid: 6, topic: "b")), on: c)
        #expect(f.send(.subscribe(Wire.Subscribe(rid: 7, topic: "c")), on: c).first?.okBody != nil)
    }

    @Test func rateLimitsAnswerRetryAfterThenCloseAbusers() throws {
        var f = SessionFixture { $0.messageRate = 60; $0.messageBurst = 3; $0.rateAbuseThreshold = 3 }
        let (c, _, _) = f.connect()
        for i in 0..<3 { #expect(f.send(SessionFixture.sendCommand(rid: 10 + UInt64(i), id: "m\(i)"), on: c).first?.okBody != nil) }
        // SESSION-28: one message per second refills; the first token is due in 1000 ms.
        let limited = f.send(SessionFixture.sendCommand(rid: 20, id: "x"), on: c)
        #expect(limited.first?.errorCode == .rateLimited)
        #expect({ if case .error(let e) = limited.first { e.retryAfterMs == 1_000 && e.rid == 20 } else { false } }())
        f.now = f.now.adding(milliseconds: 1_000)
        #expect(f.send(SessionFixture.sendCommand(rid: 21, id: "x"), on: c).first?.okBody != nil)
        // SESSION-29: three more rejections are tolerated, the fourth closes.
        for rid in 22...24 { #expect(f.send(SessionFixture.sendCommand(rid: UInt64(rid), id: "y\(rid)"), on: c).first?.errorCode == .rateLimited) }
        #expect(f.send(SessionFixture.sendCommand(rid: 25, id: "z"), on: c).first?.errorCode == .rateLimitAbuse)
        #expect(f.server.closed[c] == .rateLimitAbuse)
    }

    @Test func rateLimitedSignalsGetAnErrorWithoutRid() {
        var f = SessionFixture { $0.typingBurst = 1 }
        let (c, _, _) = f.connect()
        let typing = Message.typing(Wire.Typing(conversation: "c1", typing: true))
        #expect(f.send(typing, on: c).isEmpty)
        let reply = f.send(typing, on: c)
        #expect(reply.first?.errorCode == .rateLimited)
        #expect({ if case .error(let e) = reply.first { e.rid == nil && e.messageType == 28 && e.retryAfterMs != nil } else { false } }())
    }

    @Test func serverOnlyMessagesAndUndecodableInputGetTheirCodes() {
        var f = SessionFixture()
        let (c, _, _) = f.connect()
        // MSG-2: non-fatal.
        #expect(f.send(.ok(Wire.Ok(rid: 1)), on: c).first?.errorCode == .wrongDirection)
        // VER-4: non-fatal.
        f.server.receive(undecodable: WireError(.unknownMessageType, "unknown type 99"), on: c, now: f.now)
        #expect(f.server.take(c).first?.errorCode == .unknownMessageType)
        #expect(f.server.isOpen(c))
        // SESSION-32: every fatal decoding error closes with its code.
        for code in ErrorCode.allKnown where code.rawValue < 2000 && code.isFatal {
            let (c2, _, _) = f.connect()
            f.server.receive(undecodable: WireError(code, "bad"), on: c2, now: f.now)
            #expect(f.server.take(c2).first?.errorCode == code)
            #expect(f.server.closed[c2] == code)
        }
    }
}
