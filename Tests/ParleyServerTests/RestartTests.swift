import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// A server that starts again from its store (STORE-6) has every conversation not archived,
/// its queues in order, its agents' conversations and the ids it gave out; clients learn that
/// their sessions ended and read what they missed with `history`.
@Suite struct RestartTests {
    enum Failure: Error { case noConversation }

    static func driver() -> CoreDriver {
        var chat = LiveChatConfiguration()
        chat.keepsArchive = false
        chat.answerTimeoutMs = 0
        return CoreDriver(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support", "billing"], chat: chat))
    }

    /// Creates a conversation as a new anonymous visitor; returns its id and the visitor's connection.
    static func create(_ d: inout CoreDriver, team: String = "support", text: String) throws -> (String, ConnectionID, Wire.Welcome) {
        let (visitor, welcome) = d.connect(Wire.Auth(scheme: "anonymous"))
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, team: team, text: text, clientMessageId: text)) }, on: visitor),
              let id = ok.conversation, let welcome else { throw Failure.noConversation }
        return (id, visitor, welcome)
    }

    @Test("STORE-6: a message left offline survives a restart; the agent who comes online gets it")
    func offlineMessageSurvives() throws {
        var d = Self.driver()
        let (id, _, _) = try Self.create(&d, text: "please call me back tomorrow")
        #expect(d.core.chat.conversation(id)?.wireState == .offline)
        let recovery = d.restart(after: 8 * 3_600_000)
        #expect(recovery.conversations == 1 && recovery.waiting == 1)
        let agent = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)
        #expect(d.core.chat.conversation(id)?.agent == "ana")
        guard case .historyPage(let page)? = d.command({ .history(.init(rid: $0, conversation: id)) }, on: agent) else {
            Issue.record("no history"); return
        }
        #expect(page.events.compactMap(\.text) == ["please call me back tomorrow"])
    }

    @Test("STORE-6: queues come back in their order: re-entries at the front, new conversations by arrival")
    func queueOrder() throws {
        var d = Self.driver()
        let ana = d.connectAgent("ana", teams: ["support"])
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting, maxConcurrent: 1)) }, on: ana)
        let bo = d.connectAgent("bo", teams: ["billing"])
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: bo)
        let (first, _, _) = try Self.create(&d, text: "one")
        let (second, _, _) = try Self.create(&d, text: "two")
        let (third, _, _) = try Self.create(&d, text: "three")
        let (billing, _, _) = try Self.create(&d, team: "billing", text: "an invoice question")
        d.advance(by: 1_000)
        _ = d.command({ .transfer(.init(rid: $0, conversation: billing, team: "support")) }, on: bo)
        let before = d.core.chat.queue(of: "support")?.entries.map(\.conversation)
        #expect(before == [billing, second, third], "the transfer went to the front")
        #expect(d.core.chat.conversation(first)?.agent == "ana")
        d.restart(after: 5_000)
        #expect(d.core.chat.queue(of: "support")?.entries.map(\.conversation) == before)
        #expect(d.core.chat.conversation(first)?.agent == "ana", "still hers while she may come back")
        let again = d.connectAgent("ana", teams: ["support"])
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting, maxConcurrent: 2)) }, on: again)
        #expect(d.core.chat.conversation(billing)?.agent == "ana", "her load counted her conversation: one more fits, the front one")
        #expect(d.core.chat.conversation(second)?.wireState == .queued)
    }

    @Test("STORE-6: conversation ids continue after the newest one ever created")
    func idsContinue() throws {
        var d = Self.driver()
        let (a, _, _) = try Self.create(&d, text: "a")
        let (b, _, _) = try Self.create(&d, text: "b")
        d.restart(after: 1_000)
        let (c, _, _) = try Self.create(&d, text: "c")
        #expect(Set([a, b, c]).count == 3)
        #expect(d.store.records[c]?.visitor != d.store.records[a]?.visitor)
    }

    @Test("SESSION-16, STORE-6: a session does not survive a restart: resuming it is refused, history has what was missed")
    func sessionsEnd() throws {
        var d = Self.driver()
        let agent = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)
        let (id, visitor, welcome) = try Self.create(&d, text: "hello")
        _ = d.command({ .send(.init(rid: $0, conversation: id, clientMessageId: "a1", text: "how can I help?")) }, on: agent)
        let seen = d.take(visitor).compactMap { message -> UInt64? in
            if case .event(let event) = message { return event.seq }
            return nil
        }.max() ?? 0
        d.restart(after: 2_000)
        let (_, resumed) = d.connect(Self.sessionAuth(welcome), resume: Wire.ResumeRequest(token: welcome.resumeToken, lastSeq: seen))
        #expect(resumed?.resume?.status != .resumed)
        #expect(resumed?.resume != nil, "the welcome says the session ended")
        guard let reconnected = resumed.map({ _ in d.inbox.keys.max(by: { $0.rawValue < $1.rawValue })! }),
              case .historyPage(let page)? = d.command({ .history(.init(rid: $0, conversation: id)) }, on: reconnected) else {
            Issue.record("no history"); return
        }
        #expect(page.events.compactMap(\.text) == ["hello", "how can I help?"])
    }

    @Test("SESSION-22, STORE-6: a message re-sent after a restart with its client message id gets its original ok, not a second copy")
    func idempotencySurvives() throws {
        var d = Self.driver()
        let (id, visitor, welcome) = try Self.create(&d, text: "hello")
        guard case .ok(let first)? = d.command({ .send(.init(rid: $0, conversation: id, clientMessageId: "m-7", text: "my order is 1234")) }, on: visitor) else {
            Issue.record("not sent"); return
        }
        d.drop(visitor)
        d.restart(after: 3_000)
        let (again, _) = d.connect(CoreDriver.sessionAuth(welcome))
        guard case .ok(let resent)? = d.command({ .send(.init(rid: $0, conversation: id, clientMessageId: "m-7", text: "my order is 1234")) }, on: again) else {
            Issue.record("no answer"); return
        }
        #expect(resent.duplicate == true)
        #expect(resent.cseq == first.cseq)
        #expect(d.store.events[id]?.values.filter { $0.clientMessageId == "m-7" }.count == 1)
        guard case .ok(let fresh)? = d.command({ .send(.init(rid: $0, conversation: id, clientMessageId: "m-8", text: "thanks")) }, on: again) else {
            Issue.record("not sent"); return
        }
        #expect(fresh.duplicate != true && fresh.cseq == first.cseq! + 1)
    }

    @Test("ROUTE-10, CONV-8 after a restart: an absent agent's conversations are re-routed after the grace period, an absent visitor's queued one is abandoned after the resume window, a message left offline stays")
    func absentUsers() throws {
        var d = Self.driver()
        let ana = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting, maxConcurrent: 1)) }, on: ana)
        let (active, _, _) = try Self.create(&d, text: "active")
        let (queued, _, _) = try Self.create(&d, text: "queued")
        let (offline, _, _) = try Self.create(&d, team: "billing", text: "offline")
        #expect(d.core.chat.conversation(offline)?.wireState == .offline)
        d.restart(after: 1_000)
        let grace = d.core.configuration.chat.disconnectGraceMs
        let resume = d.core.configuration.session.resumeWindowMs
        d.advance(by: grace + 1)
        #expect(d.core.chat.conversation(active)?.wireState == .queued, "re-routed: ana never came back")
        d.advance(by: resume)
        #expect(d.core.chat.conversation(queued)?.wireState == .abandoned)
        #expect(d.core.chat.conversation(active)?.wireState == .abandoned, "its visitor never came back either")
        #expect(d.core.chat.conversation(offline)?.wireState == .offline)
    }

    @Test("CONV-8 after a restart: a visitor who comes back keeps their queued conversation")
    func returningVisitor() throws {
        var d = Self.driver()
        let ana = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting, maxConcurrent: 1)) }, on: ana)
        _ = try Self.create(&d, text: "first")
        let (queued, _, welcome) = try Self.create(&d, text: "waiting")
        d.restart(after: 1_000)
        _ = d.connect(Self.sessionAuth(welcome))
        d.advance(by: d.core.configuration.session.resumeWindowMs + 1)
        #expect(d.core.chat.conversation(queued)?.wireState == .queued)
    }

    /// A hello for the same visitor as `welcome`'s session (its resume token authenticates it).
    static func sessionAuth(_ welcome: Wire.Welcome) -> Wire.Auth { CoreDriver.sessionAuth(welcome) }
}
