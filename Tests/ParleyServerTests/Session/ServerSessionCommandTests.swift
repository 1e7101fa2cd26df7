import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// Events, acks and the checks every command passes (SESSION-10…13, SESSION-22…32) on
/// ``ServerCore`` with its live-chat application: commands run in a conversation a visitor
/// started; with a slow store (``CoreDriver/holdsWrites``) results wait for their write.
@Suite struct ServerSessionCommandTests {
    @Test func eventsAreNumberedFromOneAndAcksTrimAndAreRangeChecked() throws {
        var d = CoreDriver()
        let (c, welcome) = try d.connectVisitor()
        d.send(.create(Wire.Create(rid: 2)), on: c)
        let created = d.take(c)
        let conversation = try #require(created.compactMap(\.okBody).first?.conversation)
        for (rid, text) in zip(3..., ["a", "b", "c"]) { d.send(CoreDriver.message(rid: UInt64(rid), id: text, text: text, in: conversation), on: c) }
        // SESSION-10: the conversation's first events, then the three messages, numbered on.
        let base = UInt64(created.count { $0.eventSeq != nil })
        #expect(base > 0 && created.compactMap(\.eventSeq) == Array(1...base))
        let events = d.take(c)
        #expect(events.compactMap(\.eventSeq) == [base + 1, base + 2, base + 3])
        #expect(events.compactMap(\.conversationEvent?.text) == ["a", "b", "c"])
        #expect(d.exchange(.ack(Wire.Ack(seq: base + 2)), on: c).isEmpty)
        // SESSION-11: backwards, then beyond the last seq sent.
        #expect(d.exchange(.ack(Wire.Ack(seq: base + 1)), on: c).first?.errorCode == .ackOutOfRange)
        #expect(d.closed[c] == .ackOutOfRange)
        let (c2, _) = try d.connectVisitor()
        #expect(d.exchange(.ack(Wire.Ack(seq: 1)), on: c2).first?.errorCode == .ackOutOfRange)
        #expect(d.closed[c2] == .ackOutOfRange)
        // The ack freed what it acknowledged: a resume from before it cannot replay (expired;
        // the session stays), one from it replays exactly the unacknowledged event.
        let auth = CoreDriver.sessionAuth(welcome)
        let (_, early) = d.connect(auth, resume: Wire.ResumeRequest(token: welcome.resumeToken, lastSeq: base + 1))
        #expect(early?.resume?.status == .expired)
        let (resumed, again) = d.connect(auth, resume: Wire.ResumeRequest(token: welcome.resumeToken, lastSeq: base + 2))
        #expect(again?.resume == Wire.ResumeResult(status: .resumed, replayFrom: base + 3, lastSeq: base + 3))
        #expect(d.take(resumed).compactMap(\.eventSeq) == [base + 3])
    }

    @Test func everyCommandGetsOneResultAndRidsAreChecked() throws {
        var d = CoreDriver()
        let (c, _) = try d.connectVisitor()
        let conversation = try d.startConversation(on: c).id
        d.holdsWrites = true
        d.send(CoreDriver.message(rid: 5, id: "m1", in: conversation), on: c)
        d.send(.read(Wire.Read(rid: 0, conversation: conversation, cseq: 1)), on: c)
        // SESSION-12: rid 5 is still in progress: its result waits for the store (STORE-1).
        d.send(.read(Wire.Read(rid: 5, conversation: conversation, cseq: 1)), on: c)
        #expect(d.take(c).isEmpty, "nothing goes out before the write is confirmed")
        d.confirmWrites()
        let results = d.take(c).filter { $0.resultRID != nil }
        #expect(results.first?.okBody?.rid == 5, "the send's result, first")
        #expect(results.filter { $0.resultRID == 0 }.map(\.errorCode) == [.invalidArgument])
        #expect(results.filter { $0.resultRID == 5 }.map(\.errorCode) == [nil, .duplicateRequestId])
        #expect(d.closed[c] == nil)
    }

    @Test func retransmittedSendReturnsTheOriginalResultAndCreatesNothing() throws {
        var d = CoreDriver()
        let (c, _) = try d.connectVisitor()
        let conversation = try d.startConversation(on: c).id
        let first = d.exchange(CoreDriver.message(rid: 2, id: "m1", in: conversation), on: c)
        let original = try #require(first.compactMap(\.okBody).first)
        // SESSION-23: same user, same clientMessageId, same content, new rid.
        let again = d.exchange(CoreDriver.message(rid: 3, id: "m1", in: conversation), on: c)
        #expect(again == [.ok(Wire.Ok(rid: 3, conversation: original.conversation, cseq: original.cseq, duplicate: true))])
        // SESSION-24.
        let other = d.exchange(CoreDriver.message(rid: 4, id: "m1", text: "other", in: conversation), on: c)
        #expect(other.first?.errorCode == .idempotencyConflict)
        #expect(d.stored("m1", in: conversation) == 1)
    }

    @Test func idempotencyOutlivesTheSessionAndExpiresAfterTheWindow() throws {
        var d = CoreDriver()
        let (c1, w1) = try d.connectVisitor()
        let conversation = try d.startConversation(on: c1).id
        _ = d.exchange(CoreDriver.message(rid: 2, id: "m1", in: conversation), on: c1)
        _ = d.exchange(.goodbye(Wire.Goodbye(code: 2018)), on: c1)
        let (c2, _) = d.connect(CoreDriver.sessionAuth(w1))
        #expect(d.exchange(CoreDriver.message(rid: 2, id: "m1", in: conversation), on: c2).first?.okBody?.duplicate == true)
        #expect(d.stored("m1", in: conversation) == 1)
        d.advance(by: SessionConfiguration().idempotencyWindowMs)
        let (c3, _) = d.connect(CoreDriver.sessionAuth(w1))
        let anew = d.exchange(CoreDriver.message(rid: 3, id: "m1", in: conversation), on: c3).compactMap(\.okBody).first
        #expect(anew != nil && anew?.duplicate == nil)
        #expect(d.stored("m1", in: conversation) == 2)
    }

    @Test func retransmissionWhileTheOriginalWaitsForTheStoreGetsItsResultAndFailedOriginalsAreForgotten() throws {
        var d = CoreDriver()
        let (c, _) = try d.connectVisitor()
        let conversation = try d.startConversation(on: c).id
        d.holdsWrites = true
        d.send(CoreDriver.message(rid: 2, id: "m1", in: conversation), on: c)
        // SESSION-23, SESSION-25: ServerCore has run the original; its write is unconfirmed.
        // The retransmission is not run again: its answer is the original's, after it.
        d.send(CoreDriver.message(rid: 3, id: "m1", in: conversation), on: c)
        #expect(d.take(c).isEmpty)
        d.confirmWrites()
        let results = d.take(c).compactMap(\.okBody)
        #expect(results.map(\.rid) == [2, 3])
        #expect(results.map(\.duplicate) == [nil, true])
        #expect(results.first?.cseq == results.last?.cseq)
        #expect(d.stored("m1", in: conversation) == 1)
        // An error result means no effect: the key is forgotten. An agent cannot write while
        // the conversation waits for one; once assigned, the same message runs anew.
        d.holdsWrites = false
        let agent = d.connectAgent("ana")
        let early = d.command({ CoreDriver.message(rid: $0, id: "a1", in: conversation) }, on: agent)
        #expect(early?.errorCode != nil)
        #expect(d.command({ .agentStatus(Wire.AgentStatus(rid: $0, routing: .accepting)) }, on: agent)?.okBody != nil)
        let retry = d.command({ CoreDriver.message(rid: $0, id: "a1", in: conversation) }, on: agent)
        #expect(retry?.okBody != nil && retry?.okBody?.duplicate == nil)
        #expect(d.stored("a1", in: conversation) == 1)
    }

    @Test func invalidArgumentsAreRejectedBeforeTheApplication() throws {
        var d = CoreDriver { $0.maxText = 10; $0.maxAttachments = 1 }
        d.holdsWrites = true
        let (c, _) = try d.connectVisitor()
        let attachment = Wire.Attachment(name: "a", mimeType: "text/plain", size: 1, url: "u")
        let bad: [Message] = [
            CoreDriver.message(rid: 2, id: "", text: "x", in: "c"),
            CoreDriver.message(rid: 3, id: "m", text: String(repeating: "é", count: 6), in: "c"),
            CoreDriver.message(rid: 4, id: "m", text: "", in: "c"),
            .send(Wire.Send(rid: 5, conversation: "c", clientMessageId: "m", text: "", attachments: [attachment, attachment])),
            .note(Wire.Note(rid: 6, conversation: "c", clientMessageId: "n", text: "")),
            .create(Wire.Create(rid: 7, clientMessageId: "")),
        ]
        for message in bad {
            // SESSION-22, SESSION-30: the session layer answers (the application would have
            // answered with its own requirement, or created a conversation).
            let reply = d.exchange(message, on: c)
            #expect(reply.count == 1)
            #expect(reply.first?.errorCode == .invalidArgument, "\(message)")
            #expect(reply.first?.resultRID == message.commandRID)
            #expect({ if case .error(let e) = reply.first { e.requirement == "SESSION-30" } else { false } }(), "\(message)")
        }
        #expect(d.writes.isEmpty && d.core.chat.conversation("c1") == nil)
        #expect(d.closed[c] == nil)
    }

    @Test func subscriptionsAreCapped() throws {
        var d = CoreDriver { $0.maxSubscriptions = 2 }
        let (c, _) = try d.connectVisitor()
        func subscribe(_ rid: UInt64, _ team: String) -> Message? {
            d.exchange(.subscribe(Wire.Subscribe(rid: rid, topic: "presence:team:" + team)), on: c).first { $0.resultRID == rid }
        }
        #expect(subscribe(2, "a")?.okBody != nil)
        #expect(subscribe(3, "b")?.okBody != nil)
        #expect(subscribe(4, "a")?.okBody != nil)
        // SESSION-31.
        #expect(subscribe(5, "c")?.errorCode == .tooManySubscriptions)
        _ = d.exchange(.unsubscribe(Wire.Unsubscribe(rid: 6, topic: "presence:team:b")), on: c)
        #expect(subscribe(7, "c")?.okBody != nil)
    }

    @Test func rateLimitsAnswerRetryAfterThenCloseAbusers() throws {
        var d = CoreDriver { $0.messageRate = 60; $0.messageBurst = 3; $0.rateAbuseThreshold = 3 }
        let (c, _) = try d.connectVisitor()
        let conversation = try d.startConversation(on: c).id
        d.advance(by: 1_000)  // the create's token is back
        func send(_ rid: UInt64, _ id: String) -> Message? {
            d.exchange(CoreDriver.message(rid: rid, id: id, in: conversation), on: c).first { $0.resultRID == rid }
        }
        for i in 0..<3 { #expect(send(10 + UInt64(i), "m\(i)")?.okBody != nil) }
        // SESSION-28: one message per second refills; the first token is due in 1000 ms.
        let limited = send(20, "x")
        #expect(limited?.errorCode == .rateLimited)
        #expect({ if case .error(let e) = limited { e.retryAfterMs == 1_000 && e.rid == 20 } else { false } }())
        d.advance(by: 1_000)
        #expect(send(21, "x")?.okBody != nil)
        // SESSION-29: three more rejections are tolerated, the fourth closes.
        for rid in 22...24 { #expect(send(UInt64(rid), "y\(rid)")?.errorCode == .rateLimited) }
        #expect(d.exchange(CoreDriver.message(rid: 25, id: "z", in: conversation), on: c).first?.errorCode == .rateLimitAbuse)
        #expect(d.closed[c] == .rateLimitAbuse)
        #expect(d.stored("x", in: conversation) == 1 && d.stored("z", in: conversation) == 0)
    }

    @Test func rateLimitedSignalsGetAnErrorWithoutRid() throws {
        var d = CoreDriver { $0.typingBurst = 1 }
        let (c, _) = try d.connectVisitor()
        let conversation = try d.startConversation(on: c).id
        let typing = Message.typing(Wire.Typing(conversation: conversation, typing: true))
        #expect(d.exchange(typing, on: c).isEmpty)
        let reply = d.exchange(typing, on: c)
        #expect(reply.first?.errorCode == .rateLimited)
        #expect({ if case .error(let e) = reply.first { e.rid == nil && e.messageType == 28 && e.retryAfterMs != nil } else { false } }())
    }

    @Test func serverOnlyMessagesAndUndecodableInputGetTheirCodes() throws {
        var d = CoreDriver()
        let (c, _) = try d.connectVisitor()
        // MSG-2: non-fatal.
        #expect(d.exchange(.ok(Wire.Ok(rid: 1)), on: c).first?.errorCode == .wrongDirection)
        // VER-4: non-fatal.
        d.perform(d.core.receive(undecodable: WireError(.unknownMessageType, "unknown type 99"), on: c, now: d.now))
        #expect(d.take(c).first?.errorCode == .unknownMessageType)
        #expect(d.closed[c] == nil)
        // SESSION-32: every fatal decoding error closes with its code.
        for code in ErrorCode.allKnown where code.rawValue < 2000 && code.isFatal {
            let (c2, _) = try d.connectVisitor()
            d.perform(d.core.receive(undecodable: WireError(code, "bad"), on: c2, now: d.now))
            #expect(d.take(c2).first?.errorCode == code)
            #expect(d.closed[c2] == code)
        }
    }
}
