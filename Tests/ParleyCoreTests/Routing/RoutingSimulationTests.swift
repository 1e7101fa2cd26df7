import ParleyTestSupport
import ParleyCore
import ParleyWire
import Testing

/// A seeded random simulation of visitors, agents and supervisors driving the live-chat core
/// for thousands of steps, checking the routing and history invariants after every step
/// (ROUTE-3, ROUTE-5, ROUTE-7, ROUTE-13, CONV-3, CONV-10, CONV-14).
@Suite struct RoutingSimulationTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func invariantsHoldAfterEveryStep(seed: UInt64) {
        var simulation = Simulation(seed: seed)
        for step in 0..<4_000 {
            for phase in 0..<2 {
                if phase == 0 { simulation.advanceClock() } else { simulation.act() }
                if let failure = simulation.checkInvariants() {
                    Issue.record("seed \(seed), step \(step).\(phase): \(failure)\n\(simulation.lastActions)")
                    return
                }
            }
        }
        #expect(simulation.checkHistories(of: simulation.harness.core.conversationIDs) == nil)
        #expect(simulation.assignments > 200, "the simulation must actually route")
        #expect(simulation.reroutes > 5, "the simulation must exercise re-routing")
        #expect(simulation.refusals > 50, "the simulation must exercise refusals")
    }
}

/// The simulated world and its independent model of queue order.
struct Simulation {
    var random: SeededRandom
    var harness: CoreHarness
    let teams = ["t0", "t1", "t2"]
    let skills = ["en", "fr", "billing"]
    var agents: [String] = []
    var supervisors: [String] = []
    let visitors = (0..<40).map { "v\($0)" }
    /// Model of each team's queue: conversation ids in expected order (ROUTE-3).
    var model: [String: [String]] = [:]
    var lastCseq: [String: UInt64] = [:]
    /// Each agent's load after the previous step: above the limit (after the limit was
    /// lowered) a load may only shrink (ROUTE-5).
    var previousLoad: [String: Int] = [:]
    var assignments = 0
    var reroutes = 0
    var refusals = 0

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
        var configuration = LiveChatConfiguration()
        configuration.answerTimeoutMs = 30_000
        configuration.disconnectGraceMs = 20_000
        configuration.inactivityTimeoutMs = 600_000
        configuration.reopenWindowMs = 300_000
        configuration.queuePositionIntervalMs = 2_000
        configuration.maxOpenPerVisitor = 2
        configuration.maxConcurrentCap = 4
        harness = CoreHarness(configuration: configuration)
        for (index, team) in teams.enumerated() { harness.team(team, limit: index + 1) }
        for index in 0..<12 {
            let id = "a\(index)"
            var agentTeams = [teams[index % 3]]
            if index % 4 == 0 { agentTeams.append(teams[(index + 1) % 3]) }
            let agentSkills: Set<String> = index % 3 == 0 ? Set(skills) : [skills[index % 2]]
            harness.agent(id, teams: agentTeams, skills: agentSkills, accepting: index % 2 == 0)
            agents.append(id)
        }
        for index in 0..<2 {
            let id = "s\(index)"
            harness.agent(id, role: .supervisor, teams: teams, limit: 3)
            supervisors.append(id)
        }
        for visitor in visitors { harness.absorb(harness.core.visitorPresenceChanged(visitor, onSite: true, now: harness.now)) }
        observe(harness.log)
    }

    mutating func pick<T>(_ values: [T]) -> T? { values.isEmpty ? nil : values[Int.random(in: 0..<values.count, using: &random)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    /// Open conversation ids whose machine satisfies `accept`, in id order.
    func conversations(where accept: (ConversationMachine) -> Bool) -> [String] {
        open.sorted().filter { harness.core.conversation($0).map(accept) ?? false }
    }

    /// Advances the clock (firing due timers), then performs one random action.
    /// The actions of the latest phase, shown when an invariant fails.
    var lastActions: [LiveChatAction] = []
    /// Invitations delivered and not yet answered by the simulation.
    var invitations: [Invitation] = []
    /// Conversations that got events in the latest phase.
    var touched: Set<String> = []
    /// Conversations not closed or abandoned.
    var open: Set<String> = []
    /// Every conversation of each visitor.
    var byVisitor: [String: [String]] = [:]

    /// Moves the clock by up to 6 s, firing due timers.
    mutating func advanceClock() {
        let before = harness.log.count
        harness.advance(to: harness.now.adding(milliseconds: UInt64.random(in: 0...6_000, using: &random)))
        observe(Array(harness.log[before...]))
    }

    /// Performs one random action.
    mutating func act() {
        let before = harness.log.count
        let roll = Int.random(in: 0..<100, using: &random)
        let visitor = pick(visitors)!
        let agent = pick(agents)!
        let mine = byVisitor[visitor, default: []]
        let assigned = conversations { $0.agent == agent }
        var outcome: LiveChatOutcome?
        switch roll {
        case 0..<18:
            let tags: Set<String> = chance(25) ? [pick(skills)!] : []
            let team = pick(teams)!
            let priority = UInt32.random(in: 0...2, using: &random)
            outcome = harness.run(visitor) { $0.create(team: team, priority: priority, tags: tags, text: "hi", from: $1, now: $2) }
        case 18..<28:
            if let id = pick(mine) { outcome = harness.run(visitor) { $0.send(id, text: "more", from: $1, now: $2) } }
        case 28..<33:
            if let id = pick(mine) { outcome = harness.run(visitor) { $0.leave(id, from: $1, now: $2) } }
        case 33..<37:
            if let id = pick(mine) { outcome = harness.run(visitor) { $0.close(id, from: $1, now: $2) } }
        case 37..<39:
            if let id = pick(mine) {
                let score = UInt64.random(in: 0...6, using: &random)
                outcome = harness.run(visitor) { $0.rate(id, score: score, from: $1, now: $2) }
            }
        case 39..<41:
            let onSite = chance(60)
            harness.absorb(harness.core.visitorPresenceChanged(visitor, onSite: onSite, now: harness.now))
        case 41..<51:
            let routing: RoutingStatus = chance(65) ? .accepting : .notAccepting
            let limit: Int? = chance(40) ? Int.random(in: 0...5, using: &random) : nil
            outcome = harness.run(agent) { $0.agentStatus(routing, maxConcurrent: limit, from: $1, now: $2) }
        case 51..<65:
            if let id = pick(assigned) { outcome = harness.run(agent) { $0.send(id, text: "hello", from: $1, now: $2) } }
        case 65..<71:
            if let id = pick(assigned) { outcome = harness.run(agent) { $0.close(id, from: $1, now: $2) } }
        case 71..<76:
            if let id = pick(assigned) {
                if chance(50) {
                    let target = pick(agents)!
                    outcome = harness.run(agent) { $0.transfer(id, toAgent: target, note: "see notes", from: $1, now: $2) }
                } else {
                    let team = pick(teams)!
                    outcome = harness.run(agent) { $0.transfer(id, toTeam: team, from: $1, now: $2) }
                }
            }
        case 76..<80:
            harness.absorb(harness.core.agentDisconnected(agent, now: harness.now))
        case 80..<85:
            harness.absorb(harness.core.agentConnected(agent, now: harness.now))
        case 85..<87:
            let routing: RoutingStatus = pick([.accepting, .notAccepting, .offline])!
            harness.absorb(harness.core.agentAvailabilityChanged(agent, routing: routing, now: harness.now))
        case 87..<91:
            let supervisor = pick(supervisors)!
            if let id = pick(conversations { $0.wireState == .active }) {
                let mode = pick(JoinMode.allCases)!
                outcome = harness.run(supervisor) { $0.join(id, mode: mode, from: $1, now: $2) }
            }
        case 91..<94:
            outcome = harness.run(agent) { $0.invite(visitor, text: "Can I help?", from: $1, now: $2) }
        case 94..<97:
            if let invitation = pick(invitations) {
                invitations.removeAll { $0 == invitation }
                let accept = chance(70)
                outcome = harness.run(invitation.visitor) { $0.answerInvitation(invitation.id, accept: accept, from: $1, now: $2) }
            }
        default:
            if let id = pick(harness.core.conversationIDs) { outcome = harness.run(agent) { $0.note(id, text: "n", from: $1, now: $2) } }
        }
        if let outcome, case .failure = outcome.result {
            refusals += 1
            precondition(outcome.actions.isEmpty, "CONV-3: a refused command emits nothing")
        }
        observe(Array(harness.log[before...]))
    }

    /// Updates the queue model and the cseq check from the events of one step.
    mutating func observe(_ actions: [LiveChatAction]) {
        lastActions = actions
        touched = []
        for action in actions {
            if case .invitation(let invitation) = action { invitations.append(invitation) }
            guard case .append(let event, let recipients) = action else { continue }
            let id = event.conversation
            touched.insert(id)
            precondition(event.cseq == lastCseq[id, default: 0] + 1, "CONV-10: \(id) cseq \(event.cseq) after \(lastCseq[id, default: 0])")
            lastCseq[id] = event.cseq
            let machine = harness.core.conversation(id)!
            precondition(event.audience == .everyone || !recipients.contains(machine.visitor), "CONV-14: staff-only event to visitor")
            if machine.isOpen { open.insert(id) } else { open.remove(id) }
            if event.kind == .created { byVisitor[machine.visitor, default: []].append(id) }
            switch event.kind {
            case .queued, .offline: enqueueInModel(id, team: event.team!, front: false)
            case .rerouted, .reopened:
                enqueueInModel(id, team: machine.team, front: true)
                if event.kind == .rerouted { reroutes += 1 }
            case .transferred where event.agent == nil: enqueueInModel(id, team: event.team!, front: true)
            case .assigned:
                removeFromModel(id)
                assignments += 1
            case .closed, .abandoned: removeFromModel(id)
            case .message, .note, .created, .transferred, .joined, .left, .rated, .properties: break
            }
        }
    }

    mutating func enqueueInModel(_ id: String, team: String, front: Bool) {
        removeFromModel(id)
        let priority = harness.core.conversation(id)!.priority
        var queue = model[team, default: []]
        let index = front
            ? queue.firstIndex { harness.core.conversation($0)!.priority <= priority } ?? queue.count
            : queue.firstIndex { harness.core.conversation($0)!.priority < priority } ?? queue.count
        queue.insert(id, at: index)
        model[team] = queue
    }

    mutating func removeFromModel(_ id: String) {
        for team in model.keys { model[team]!.removeAll { $0 == id } }
    }

    /// Checks that each conversation's stored history is exactly its events 1...lastCseq, in
    /// order, all of that conversation (CONV-10).
    func checkHistories(of ids: [String]) -> String? {
        for id in ids {
            let machine = harness.core.conversation(id)!
            let stored = machine.lastCseq == 0 ? [] : harness.core.store.events(of: id, in: 1...machine.lastCseq)
            if stored.map(\.cseq) != Array(1...machine.lastCseq) || stored.contains(where: { $0.conversation != id })
                || machine.lastCseq != lastCseq[id, default: 0] {
                return "CONV-10: history of \(id) is not 1...\(machine.lastCseq)"
            }
        }
        return nil
    }

    /// Checks every invariant; returns a description of the first violation.
    mutating func checkInvariants() -> String? {
        let core = harness.core
        let router = core.router
        if let failure = checkHistories(of: touched.sorted()) { return failure }
        var loads: [String: Int] = [:]
        for id in open.union(touched) {
            let machine = core.conversation(id)!
            switch machine.wireState {
            case .queued, .offline:
                if !router.isWaiting(id) { return "\(id) \(machine.wireState) but not waiting" }
            case .active:
                guard let agent = machine.agent, !router.isWaiting(id) else { return "\(id) active but still waiting" }
                loads[agent, default: 0] += 1
            case .closed, .abandoned:
                if router.isWaiting(id) { return "\(id) \(machine.wireState) still waiting" }
            }
        }
        for agent in agents + supervisors {
            let load = router.load(of: agent)
            if load != loads[agent, default: 0] { return "\(agent) load \(load) but \(loads[agent, default: 0]) active" }
            let limit = router.limit(of: agent)
            if load > limit, load > previousLoad[agent, default: 0] {
                return "ROUTE-5: \(agent) given a conversation at load \(load) above limit \(limit)"
            }
            previousLoad[agent] = load
        }
        var waiting: [String: [String]] = [:]
        for team in teams {
            waiting[team] = router.waiting(in: team)
            if waiting[team]! != model[team, default: []] { return "ROUTE-3: \(team) queue \(waiting[team]!), model \(model[team, default: []])" }
        }
        for agent in agents + supervisors where router.isAvailable(agent) {
            let agentSkills = router.skills(of: agent)
            for team in router.teams(of: agent) {
                for id in waiting[team]! {
                    let machine = core.conversation(id)!
                    if machine.tags.isSubset(of: agentSkills), !router.isExcluded(agent, from: id) {
                        return "ROUTE-7: \(agent) available while \(id) waits in \(team)"
                    }
                }
            }
        }
        return nil
    }
}
