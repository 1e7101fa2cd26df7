import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// Administration at run time from the embedding code (ROUTE-16), and ended conversations
/// leaving the server's memory (CONV-34).
@Suite struct AdministrationTests {
    @Test("ROUTE-16: a team added at run time routes to its agents, whose tokens name it, and a host-registered agent")
    func teamAddedAtRunTime() {
        var d = CoreDriver()
        d.perform(d.core.addTeam("claims", now: d.now))
        let agent = d.connectAgent("cleo", teams: ["claims"])
        #expect(d.core.chat.router.teams(of: "cleo") == ["claims"], "the token's new team is kept at sign-in")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)?.name == "ok")
        let (visitor, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, team: "claims", text: "a claim")) }, on: visitor),
              let conversation = ok.conversation else { Issue.record("create failed"); return }
        #expect(d.core.chat.conversation(conversation)?.agent == "cleo")
        #expect(throws: Never.self) { try d.core.setAgent("dan", AgentProfile(teams: ["claims"]), now: d.now).get() }
        #expect(d.core.chat.router.status(of: "dan") == .offline)
        #expect((try? d.core.setAgent("dan", AgentProfile(teams: ["nowhere"]), now: d.now).get()) == nil, "TEAM_NOT_FOUND")
    }

    @Test("ROUTE-16: removing an agent re-routes their conversation to another agent, who is told")
    func removeAgent() {
        var d = CoreDriver()
        let ana = d.connectAgent("ana")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: ana)?.name == "ok")
        let (visitor, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, team: "support", text: "help")) }, on: visitor),
              let conversation = ok.conversation else { Issue.record("create failed"); return }
        let bo = d.connectAgent("bo")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: bo)?.name == "ok")
        _ = d.take(bo)
        d.perform(d.core.removeAgent("ana", now: d.now))
        #expect(d.core.chat.conversation(conversation)?.agent == "bo")
        #expect(d.take(bo).contains { if case .event(let e) = $0 { e.event.kind == .assigned } else { false } })
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: ana)?.name == "error", "AGENT_NOT_FOUND")
    }

    @Test("CONV-34: closed conversations leave the server's memory after the reopen window; history still answers")
    func closedConversationsLeaveMemory() {
        var configuration = ServerConfiguration(key: CoreDriver.key, teams: ["support"])
        configuration.chat.reopenWindowMs = 1_000
        var d = CoreDriver(configuration: configuration)
        let (visitor, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        var ids: [String] = []
        for index in 0..<5 {
            let created = d.command({ .create(.init(rid: $0, text: "question \(index)")) }, on: visitor)
            guard case .ok(let ok)? = created, let id = ok.conversation else { Issue.record("create: \(String(describing: created))"); return }
            #expect(d.command({ .close(.init(rid: $0, conversation: id)) }, on: visitor)?.name == "ok")
            ids.append(id)
        }
        #expect(d.core.chat.conversationsInMemory == 5)
        d.advance(by: 1_100)
        #expect(d.core.chat.conversationsInMemory == 0)
        let history = d.command({ .history(.init(rid: $0, conversation: ids[0])) }, on: visitor)
        guard case .historyPage(let page)? = history else { Issue.record("history: \(String(describing: history))"); return }
        #expect(page.events.contains { $0.kind == .closed })
        guard case .conversations(let list)? = d.command({ .list(.init(rid: $0)) }, on: visitor) else { Issue.record("list"); return }
        #expect(list.conversations.count == 5)
    }
}
