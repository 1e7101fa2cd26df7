import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The reference server's core driven end to end in memory: a visitor and two agents through a
/// whole live-chat conversation (issue 7's flow, without sockets).
@Suite struct ServerCoreTests {
    @Test("queue, assignment, typing, messages, resume, transfer, close, rating, presence")
    func fullConversation() throws {
        var d = CoreDriver()
        let agent = d.connectAgent("ana")
        let other = d.connectAgent("bo")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent).map(\.name) == "ok")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: other).map(\.name) == "ok")
        #expect(d.command({ .subscribe(.init(rid: $0, topic: "presence:visitors")) }, on: agent).map(\.name) == "ok")
        _ = d.take(agent)

        let (visitor, welcome) = d.connect(Wire.Auth(scheme: "anonymous"))
        let visitorWelcome = try #require(welcome)
        #expect(visitorWelcome.identity.role == .visitor)
        #expect(visitorWelcome.sessionToken != nil)
        d.advance(by: 1_000)
        #expect(d.take(agent).contains { if case .presence(let p) = $0 { p.user == visitorWelcome.identity.user } else { false } },
                "PRES: the agent subscribed to visitors sees the new visitor")

        // The visitor starts a conversation; a least-loaded accepting agent gets it at once.
        let created = d.command({ .create(.init(rid: $0, text: "Hi, my parcel is late", clientMessageId: "m1")) }, on: visitor)
        guard case .ok(let ok)? = created, let conversation = ok.conversation else { Issue.record("create failed: \(String(describing: created))"); return }
        let assignedTo = [agent, other].first { id in d.inbox[id, default: []].contains { $0.conversationEvent?.kind == .assigned } }
        let assigned = try #require(assignedTo, "ROUTE-7: an accepting agent is assigned at once")
        let idle = assigned == agent ? other : agent
        let assignedName = assigned == agent ? "ana" : "bo"
        let idleName = assigned == agent ? "bo" : "ana"
        _ = d.take(assigned)
        guard case .historyPage(let page)? = d.command({ .history(.init(rid: $0, conversation: conversation)) }, on: assigned) else {
            Issue.record("no history"); return
        }
        #expect(page.events.contains { $0.text == "Hi, my parcel is late" }, "CONV-15: the agent reads what came before")
        _ = d.take(visitor)

        // Typing reaches the visitor, never the typer (TYPE-5).
        d.send(.typing(.init(conversation: conversation, typing: true)), on: assigned)
        #expect(d.take(visitor).contains { if case .typers(let t) = $0 { t.typers.map(\.user) == [assignedName] } else { false } })
        #expect(!d.take(assigned).contains { if case .typers = $0 { true } else { false } })

        // The agent answers; the visitor gets the message and typing ends.
        #expect(d.command({ .send(.init(rid: $0, conversation: conversation, clientMessageId: "a1", text: "Let me check.")) }, on: assigned).map(\.name) == "ok")
        let toVisitor = d.take(visitor)
        #expect(toVisitor.contains { $0.conversationEvent?.text == "Let me check." })
        let lastSeq = toVisitor.compactMap(\.seq).max() ?? 0

        // The visitor drops; the agent writes twice; the visitor resumes and gets exactly those.
        d.drop(visitor)
        _ = d.command({ .send(.init(rid: $0, conversation: conversation, clientMessageId: "a2", text: "Found it.")) }, on: assigned)
        _ = d.command({ .note(.init(rid: $0, conversation: conversation, clientMessageId: "n1", text: "VIP, be generous")) }, on: assigned)
        _ = d.command({ .send(.init(rid: $0, conversation: conversation, clientMessageId: "a3", text: "It arrives tomorrow.")) }, on: assigned)
        d.advance(by: 5_000)
        let (resumed, resumedWelcome) = d.connect(
            Wire.Auth(scheme: "session", credential: visitorWelcome.sessionToken),
            resume: Wire.ResumeRequest(token: visitorWelcome.resumeToken, lastSeq: lastSeq))
        #expect(resumedWelcome?.resume?.status == .resumed)
        let replayed = d.take(resumed).compactMap(\.conversationEvent)
        #expect(replayed.compactMap(\.text) == ["Found it.", "It arrives tomorrow."], "SESSION-14, CONV-13: replay without the note")

        // Transfer to the other agent, who receives the conversation and the staff-only note.
        #expect(d.command({ .transfer(.init(rid: $0, conversation: conversation, agent: idleName, note: "billing question")) }, on: assigned).map(\.name) == "ok")
        let toIdle = d.take(idle).compactMap(\.conversationEvent)
        #expect(toIdle.contains { $0.kind == .transferred || $0.kind == .assigned })
        #expect(!d.take(resumed).compactMap(\.conversationEvent).contains { $0.kind == .note }, "CONV: notes never reach the visitor")

        // The new agent closes; the visitor rates.
        #expect(d.command({ .close(.init(rid: $0, conversation: conversation)) }, on: idle).map(\.name) == "ok")
        #expect(d.take(resumed).contains { $0.conversationEvent?.kind == .closed })
        #expect(d.command({ .rate(.init(rid: $0, conversation: conversation, score: 5, comment: "great")) }, on: resumed).map(\.name) == "ok")
        guard case .transcriptResult(let transcript)? = d.command({ .transcript(.init(rid: $0, conversation: conversation)) }, on: idle) else {
            Issue.record("no transcript"); return
        }
        #expect(transcript.metrics.transfers == 1)
        #expect(transcript.summary.score == 5)
        #expect(transcript.events.contains { $0.kind == .note })
    }

    @Test("HUB-5: a published event is encoded once and the same bytes go to every recipient")
    func encodeOnce() throws {
        var d = CoreDriver()
        let agent = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)
        let (visitor, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "hi")) }, on: visitor), let conversation = ok.conversation else {
            Issue.record("create failed"); return
        }
        let before = d.sharedWrites.count
        _ = d.command({ .send(.init(rid: $0, conversation: conversation, clientMessageId: "a", text: "shared")) }, on: agent)
        let writes = d.sharedWrites[before...]
        #expect(Set(writes.map(\.0)) == [agent, visitor])
        #expect(writes.allSatisfy { $0.1 === writes.first!.1 }, "one SharedEvent object for all recipients")
        #expect(d.take(visitor).contains { $0.conversationEvent?.text == "shared" })
    }

    @Test("a visitor cannot read another visitor's conversation (CONV-30)")
    func authorization() throws {
        var d = CoreDriver()
        let (alice, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        let (mallory, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "private")) }, on: alice), let conversation = ok.conversation else {
            Issue.record("create failed"); return
        }
        let answer = d.command({ .history(.init(rid: $0, conversation: conversation)) }, on: mallory)
        guard case .error(let error)? = answer else { Issue.record("history by another visitor succeeded: \(String(describing: answer))"); return }
        #expect([ErrorCode.conversationNotFound, .forbidden].contains(ErrorCode(rawValue: UInt32(error.code))))
        #expect(!(d.take(mallory).contains { $0.conversationEvent != nil }))
    }
}
