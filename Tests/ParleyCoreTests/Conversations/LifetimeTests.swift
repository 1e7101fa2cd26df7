import ParleyCore
import ParleyWire
import Testing

/// Every kind of state has a lifetime: ended conversations are archived after the reopen window
/// (CONV-34), invitations expire (CONV-35), agents are removed by the host or when their grace
/// ends (ROUTE-16, ROUTE-17), and nothing scans every conversation for one agent's (ROUTE-10).
@Suite struct LifetimeTests {
    static func harness(reopenWindowMs: UInt64 = 10_000, invitationTimeoutMs: UInt64 = 5_000) -> CoreHarness {
        var configuration = LiveChatConfiguration()
        configuration.queuePositionIntervalMs = 0
        configuration.answerTimeoutMs = 0
        configuration.inactivityTimeoutMs = 0
        configuration.reopenWindowMs = reopenWindowMs
        configuration.invitationTimeoutMs = invitationTimeoutMs
        configuration.disconnectGraceMs = 1_000
        var harness = CoreHarness(configuration: configuration)
        harness.team("sales", limit: 3)
        harness.agent("a1", teams: ["sales"], accepting: true)
        return harness
    }

    @Test("CONV-34: a closed conversation leaves memory when its reopen window ends; history, list and transcript come from the store; changes are refused")
    func archivedAfterReopenWindow() {
        var h = Self.harness()
        let id = h.create("v1", text: "hello")
        h.run("a1") { $0.send(id, text: "hi, how can I help?", from: $1, now: $2) }
        h.run("v1") { $0.close(id, from: $1, now: $2) }
        let lastCseq = h.core.conversation(id)!.lastCseq
        #expect(h.core.conversationsInMemory == 1)

        h.advance(to: h.now.adding(milliseconds: 10_000))
        #expect(h.core.conversationsInMemory == 1, "still within the window: it may reopen")
        h.advance(to: h.now.adding(milliseconds: 1))
        #expect(h.core.conversationsInMemory == 0)
        #expect(h.core.conversationIDs.isEmpty)
        #expect(h.core.store.archived(id)?.lastCseq == lastCseq)

        let history = h.core.history(id, from: h.identity("v1"))
        guard case .success(.history(let page)) = history.result else { Issue.record("history: \(history.result)"); return }
        #expect(page.events.last?.cseq == lastCseq)
        guard case .success(.conversations(let list)) = h.core.list(from: h.identity("v1")).result else { Issue.record("list"); return }
        #expect(list.map(\.id) == [id])
        #expect(list.first?.state == .closed)
        #expect(list.first?.assignedAgent == "a1")
        guard case .success(.transcript(let transcript)) = h.core.transcript(id, from: h.identity("a1")).result else { Issue.record("transcript"); return }
        #expect(transcript.events.count == Int(lastCseq))
        #expect(Self.code(h.core.history(id, from: h.identity("v2"))) == .conversationNotFound, "another visitor still cannot see it")

        #expect(Self.code(h.run("v1") { $0.reopen(id, from: $1, now: $2) }) == .reopenWindowExpired)
        #expect(Self.code(h.run("v1") { $0.send(id, text: "hello?", from: $1, now: $2) }) == .reopenWindowExpired)
        #expect(Self.code(h.run("v1") { $0.rate(id, score: 5, from: $1, now: $2) }) == .illegalTransition)
        #expect(Self.code(h.run("a1") { $0.note(id, text: "n", from: $1, now: $2) }) == .illegalTransition)
        #expect(h.core.conversationsInMemory == 0, "a refused change does not bring it back")
    }

    @Test("CONV-34: a reopen within the window keeps it; the archive follows its last close")
    func reopenDefersArchiving() {
        var h = Self.harness()
        let id = h.create("v1")
        h.run("v1") { $0.close(id, from: $1, now: $2) }
        h.advance(to: h.now.adding(milliseconds: 9_000))
        #expect(Self.code(h.run("v1") { $0.reopen(id, from: $1, now: $2) }) == nil)
        h.advance(to: h.now.adding(milliseconds: 5_000))
        #expect(h.core.conversationsInMemory == 1, "the first close's timer found it open")
        h.run("v1") { $0.close(id, from: $1, now: $2) }
        h.advance(to: h.now.adding(milliseconds: 10_001))
        #expect(h.core.conversationsInMemory == 0)
    }

    @Test("CONV-34: an abandoned conversation is archived too")
    func abandonedArchived() {
        var h = Self.harness()
        h.run("a1") { $0.agentStatus(.accepting, maxConcurrent: 1, from: $1, now: $2) }
        let busy = h.create("v0")
        let id = h.create("v1")
        #expect(h.state(id) == .queued, "a1 is full")
        h.run("v1") { $0.leave(id, from: $1, now: $2) }
        #expect(h.state(id) == .abandoned)
        h.advance(to: h.now.adding(milliseconds: 10_001))
        #expect(h.core.conversationIDs == [busy], "the abandoned one left memory, the active one stays")
        #expect(h.state(id) == .abandoned, "read from the archive")
    }

    @Test("CONV-34: conversations in memory stay bounded over many created and closed", arguments: [7, 11])
    func boundedOverChurn(seed: Int) {
        var h = Self.harness(reopenWindowMs: 2_000)
        h.agent("a2", teams: ["sales"], accepting: true)
        var random = seed
        var most = 0
        var open: [String] = []
        for step in 0..<3_000 {
            random = (random &* 1_103_515_245 &+ 12_345) & 0x7fff_ffff
            h.advance(to: h.now.adding(milliseconds: UInt64(random % 40)))
            if open.count < 4, random % 3 != 0 {
                open.append(h.create("v\(step % 97)"))
            } else if !open.isEmpty {
                let id = open.removeFirst()
                h.run(h.core.conversation(id)!.visitor) { $0.close(id, from: $1, now: $2) }
            }
            most = max(most, h.core.conversationsInMemory)
        }
        // ~20 ms a step and a 2 s window: about 100 steps' conversations, plus the open ones.
        #expect(most < 200, "at most \(most) in memory over 3,000 steps")
        #expect(h.core.store.conversations(in: .closed).count > 1_000)
    }

    @Test("CONV-35: an unanswered invitation expires at the announced time, told to the agent as declined")
    func invitationExpires() {
        var h = Self.harness()
        h.absorb(h.core.visitorPresenceChanged("v1", onSite: true, now: h.now))
        guard case .success(.invited(let invitation)) = h.run("a1", { $0.invite("v1", text: "Help?", from: $1, now: $2) }).result else {
            Issue.record("invite failed"); return
        }
        let before = h.log.count
        h.advance(to: h.now.adding(milliseconds: 4_999))
        #expect(!h.log[before...].contains { if case .invitationAnswered = $0 { true } else { false } })
        h.advance(to: h.now.adding(milliseconds: 1))
        #expect(h.log[before...].contains(.invitationAnswered(invitation: invitation, agent: "a1", visitor: "v1", accepted: false, conversation: nil)))
        #expect(Self.code(h.run("v1") { $0.answerInvitation(invitation, accept: true, from: $1, now: $2) }) == .invitationNotFound)
    }

    @Test("CONV-35: an answered invitation's timer does nothing")
    func answeredInvitationTimerIsStale() {
        var h = Self.harness()
        h.absorb(h.core.visitorPresenceChanged("v1", onSite: true, now: h.now))
        guard case .success(.invited(let invitation)) = h.run("a1", { $0.invite("v1", from: $1, now: $2) }).result else { return }
        h.run("v1") { $0.answerInvitation(invitation, accept: false, from: $1, now: $2) }
        let before = h.log.count
        h.advance(to: h.now.adding(milliseconds: 6_000))
        #expect(!h.log[before...].contains { if case .invitationAnswered = $0 { true } else { false } })
    }

    @Test("ROUTE-16: removing an agent re-routes their conversations to another agent and unregisters them")
    func removeAgentReroutes() {
        var h = Self.harness()
        let first = h.create("v1")
        let second = h.create("v2")
        #expect(h.core.conversation(first)?.agent == "a1")
        h.agent("a2", teams: ["sales"], accepting: true)
        h.absorb(h.core.removeAgent("a1", now: h.now))
        #expect(h.core.conversation(first)?.agent == "a2")
        #expect(h.core.conversation(second)?.agent == "a2")
        #expect(CoreHarness.events(h.log, of: first).map(\.kind).contains(.rerouted))
        #expect(!h.core.router.hasAgent("a1"))
        #expect(h.core.agentCount == 1)
        #expect(Self.code(h.run("a1") { $0.agentStatus(.accepting, maxConcurrent: nil, from: $1, now: $2) }) == .agentNotFound)
        let third = h.create("v3")
        #expect(h.core.conversation(third)?.agent == "a2", "nothing goes to a removed agent")
    }

    @Test("ROUTE-16: an agent registered at run time in a team added at run time takes that team's waiting conversations")
    func addTeamAndAgentAtRunTime() {
        var h = Self.harness()
        h.team("billing", limit: 2)
        let waiting = h.create("v1", team: "billing")
        #expect(h.state(waiting) == .offline)
        h.agent("b1", teams: ["billing"], accepting: true)
        #expect(h.core.conversation(waiting)?.agent == "b1")
        h.absorb(h.core.registerAgent("b1", AgentProfile(teams: ["billing"], maxConcurrent: 1), now: h.now).actions)
        let next = h.create("v2", team: "billing")
        #expect(h.state(next) == .queued, "the new cap of 1 holds from that input on")
        h.absorb(h.core.registerAgent("b1", AgentProfile(teams: ["billing"], maxConcurrent: 2), now: h.now).actions)
        #expect(h.core.conversation(next)?.agent == "b1", "a raised cap routes at once")
    }

    @Test("ROUTE-17: an agent registered by sign-in is unregistered when the grace ends; one the host registered stays")
    func signInRegistrationEndsWithGrace() {
        var h = Self.harness()
        h.staff["s1"] = ChatIdentity(user: "s1", role: .agent, teams: ["sales"])
        h.absorb(h.core.agentConnected("s1", profile: AgentProfile(teams: ["sales"]), now: h.now))
        #expect(h.core.router.hasAgent("s1"))
        h.absorb(h.core.agentDisconnected("s1", now: h.now))
        h.absorb(h.core.agentDisconnected("a1", now: h.now))
        h.advance(to: h.now.adding(milliseconds: 999))
        #expect(h.core.router.hasAgent("s1"))
        h.advance(to: h.now.adding(milliseconds: 1))
        #expect(!h.core.router.hasAgent("s1"))
        #expect(h.core.router.hasAgent("a1"), "the host's registration stays")
        #expect(h.core.router.status(of: "a1") == .offline)
        h.absorb(h.core.agentConnected("s1", profile: AgentProfile(teams: ["sales"]), now: h.now))
        #expect(h.core.router.status(of: "s1") == .notAccepting, "signed in afresh")
    }

    @Test("ROUTE-10: a reconnect within the grace cancels it, also for a later disconnect's timer")
    func staleGraceTimer() {
        var h = Self.harness()
        let id = h.create("v1")
        h.absorb(h.core.agentDisconnected("a1", now: h.now))
        h.absorb(h.core.agentConnected("a1", now: h.now))
        h.advance(to: h.now.adding(milliseconds: 500))
        h.absorb(h.core.agentDisconnected("a1", now: h.now))
        h.advance(to: h.now.adding(milliseconds: 600))
        #expect(h.core.conversation(id)?.agent == "a1", "the first grace timer is stale")
        h.advance(to: h.now.adding(milliseconds: 400))
        #expect(h.core.conversation(id)?.agent == nil)
    }

    @Test("ROUTE-18: removing a team moves its agents, its waiting conversations (to the front, in order) and its active ones to the target")
    func removeTeamMovesItsWork() {
        var h = Self.harness()
        h.team("billing", limit: 1)
        h.team("default", limit: 3)
        h.agent("b1", teams: ["billing"], accepting: true, limit: 1)
        h.agent("b2", teams: ["billing", "sales"], accepting: false)
        let active = h.create("v1", team: "billing")
        let first = h.create("v2", team: "billing")
        let second = h.create("v3", team: "billing")
        #expect(h.core.conversation(active)?.agent == "b1")
        h.run("a1") { $0.agentStatus(.accepting, maxConcurrent: 1, from: $1, now: $2) }
        let waitingInSales = h.create("v4", team: "sales")
        _ = h.create("v5", team: "sales")  // a1 is full: this one waits in sales
        #expect(h.core.conversation(waitingInSales)?.agent == "a1")

        #expect(Self.code(h.run("a1") { core, _, now in core.removeTeam("default", now: now) }) == .invalidArgument)
        #expect(Self.code(h.run("a1") { core, _, now in core.removeTeam("nowhere", now: now) }) == .teamNotFound)
        #expect(Self.code(h.run("a1") { core, _, now in core.removeTeam("billing", movingTo: "sales", now: now) }) == nil)

        #expect(!h.core.router.hasTeam("billing"))
        #expect(h.core.router.teams(of: "b1") == ["sales"], "no other team: joins the target")
        #expect(h.core.router.teams(of: "b2") == ["sales"])
        #expect(h.core.conversation(active)?.team == "sales")
        #expect(h.core.conversation(active)?.agent == "b1", "active ones keep their agent")
        #expect(CoreHarness.events(h.log, of: active).last?.kind == .transferred)
        #expect(Array(h.core.router.waiting(in: "sales").prefix(2)) == [first, second], "front of the queue, in their order")
        #expect(Self.code(h.run("v9") { $0.create(team: "billing", from: $1, now: $2) }) == .teamNotFound)
    }

    @Test("ROUTE-18: a removed team's ended conversation reopens in the target team")
    func removedTeamReopen() {
        var h = Self.harness()
        h.team("billing", limit: 1)
        h.agent("b1", teams: ["billing"], accepting: true)
        let id = h.create("v1", team: "billing")
        h.run("v1") { $0.close(id, from: $1, now: $2) }
        #expect(Self.code(h.run("a1") { core, _, now in core.removeTeam("billing", movingTo: "sales", now: now) }) == nil)
        #expect(Self.code(h.run("v1") { $0.reopen(id, from: $1, now: $2) }) == nil)
        #expect(h.core.conversation(id)?.team == "sales")
        #expect(h.core.conversation(id)?.agent == "b1", "back to its last agent, now in sales")
    }

    static func code(_ outcome: LiveChatOutcome) -> ErrorCode? {
        if case .failure(let error) = outcome.result { return error.code }
        return nil
    }
}
