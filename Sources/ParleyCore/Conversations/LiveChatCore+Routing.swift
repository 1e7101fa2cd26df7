import ParleyWire

/// Agents, teams, invitations and the system's inputs: presence changes from the presence
/// layer and timers the core armed (ROUTE section, CONV-20…CONV-22).
extension LiveChatCore {
    /// Adds a team, or changes its default concurrency limit (ROUTE-1, ROUTE-5).
    public mutating func addTeam(_ id: String, defaultMaxConcurrent: Int, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in
            core.apply(core.router.addTeam(id, defaultMaxConcurrent: defaultMaxConcurrent, now: now), now: now, into: &actions)
            actions.append(.persist(.team(id: id, defaultMaxConcurrent: defaultMaxConcurrent)))
        }
    }

    /// Registers an agent (or supervisor) with their teams, skills and cap, or changes a
    /// registered agent's, on the host's authority; a new agent starts offline (ROUTE-2). Routing
    /// uses the profile from this input on; conversations already assigned stay (ROUTE-14). The
    /// host owns this registration: it lasts until ``removeAgent(_:now:)`` (ROUTE-16, ROUTE-17).
    public mutating func registerAgent(_ id: String, _ profile: AgentProfile, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            if let missing = profile.teams.first(where: { !core.router.hasTeam($0) }) {
                return .failure(CommandError(.teamNotFound, "ROUTE-2", "no team \(missing)"))
            }
            core.register(id, profile, now: now, into: &actions)
            core.registeredBySignIn.remove(id)
            actions.append(.persist(.agent(id: id, profile)))
            return .success(.ok(conversation: nil, cseq: nil))
        }
    }

    /// An agent sets their routing status (accepting or not) and optionally their concurrency
    /// limit, capped by the configuration; freed capacity is used at once (ROUTE-5, ROUTE-6).
    ///
    /// A server with a presence layer does not call this: presence owns the agent's choice and
    /// tells the router what follows from it (``agentAvailabilityChanged(_:routing:maxConcurrent:now:)``),
    /// after checking the command with ``agentStatusRefusal(_:maxConcurrent:from:)``.
    public mutating func agentStatus(_ routing: RoutingStatus, maxConcurrent: Int? = nil, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            if let refusal = core.agentStatusRefusal(routing, maxConcurrent: maxConcurrent, from: actor) { return .failure(refusal) }
            core.setAvailability(actor.user, routing: routing, maxConcurrent: maxConcurrent, now: now, into: &actions)
            return .success(.ok(conversation: nil, cseq: nil))
        }
    }

    /// Why an `agentStatus` command from `actor` is refused, if it is: only registered staff
    /// have a routing status, `offline` is the server's, a limit is at least 1 (ROUTE-2, ROUTE-5, ROUTE-6).
    public func agentStatusRefusal(_ routing: RoutingStatus, maxConcurrent: Int?, from actor: ChatIdentity) -> CommandError? {
        guard actor.isStaff else { return CommandError(.forbidden, "ROUTE-6", "visitors have no routing status") }
        guard router.hasAgent(actor.user) else { return CommandError(.agentNotFound, "ROUTE-2", "not a registered agent") }
        guard routing != .offline else { return CommandError(.invalidArgument, "ROUTE-6", "offline is set by the server") }
        guard (maxConcurrent ?? 1) >= 1 else { return CommandError(.invalidArgument, "ROUTE-5", "maxConcurrent must be at least 1") }
        return nil
    }

    /// Sets the router's status of `agent`, and their own limit (capped by the configuration)
    /// when one is given; freed capacity is used at once (ROUTE-5, ROUTE-6).
    mutating func setAvailability(_ agent: String, routing: RoutingStatus, maxConcurrent: Int?, now: Instant, into actions: inout [LiveChatAction]) {
        if let maxConcurrent {
            apply(router.setLimit(min(maxConcurrent, configuration.maxConcurrentCap), of: agent, now: now), now: now, into: &actions)
        }
        apply(router.setStatus(routing, of: agent, now: now), now: now, into: &actions)
    }

    /// An agent invites a visitor who is on the site (CONV-20); unanswered, the invitation
    /// expires after the invitation timeout (CONV-35).
    public mutating func invite(_ visitor: String, text: String? = nil, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            guard actor.isStaff else { return .failure(CommandError(.forbidden, "CONV-20", "only staff invite")) }
            guard core.router.hasAgent(actor.user), core.router.status(of: actor.user) != .offline else {
                return .failure(CommandError(.agentNotFound, "CONV-20", "not an online agent"))
            }
            guard core.router.load(of: actor.user) < core.router.limit(of: actor.user) else {
                return .failure(CommandError(.agentAtCapacity, "CONV-20", "at the concurrency limit"))
            }
            guard core.visitorsOnSite.contains(visitor) else {
                return .failure(CommandError(.visitorNotOnSite, "CONV-20", "\(visitor) is not on the site"))
            }
            let invitation = Invitation(
                id: core.configuration.invitationPrefix + String(core.nextInvitation), visitor: visitor, agent: actor.user, text: text)
            core.nextInvitation += 1
            core.invitations[invitation.id] = invitation
            actions.append(.invitation(invitation))
            if core.configuration.invitationTimeoutMs > 0 {
                actions.append(.armTimer(LiveChatTimer(
                    deadline: now.adding(milliseconds: core.configuration.invitationTimeoutMs),
                    kind: .invitationExpiry(invitation: invitation.id))))
            }
            return .success(.invited(invitation: invitation.id))
        }
    }

    /// The invited visitor answers. Accepting creates a conversation assigned to the inviting
    /// agent (queued in their team when they no longer have capacity), with the invitation
    /// text as the agent's first message (CONV-21).
    public mutating func answerInvitation(_ invitationID: String, accept: Bool, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            guard let invitation = core.invitations[invitationID], invitation.visitor == actor.user, actor.role == .visitor else {
                return .failure(CommandError(.invitationNotFound, "CONV-21", "no invitation \(invitationID)"))
            }
            guard accept else {
                core.invitations[invitationID] = nil
                actions.append(.invitationAnswered(
                    invitation: invitationID, agent: invitation.agent, visitor: actor.user, accepted: false, conversation: nil))
                return .success(.ok(conversation: nil, cseq: nil))
            }
            guard core.openByVisitor[actor.user, default: []].count < core.configuration.maxOpenPerVisitor else {
                return .failure(CommandError(.tooManyConversations, "CONV-1", "too many open conversations"))
            }
            core.invitations[invitationID] = nil
            let team = core.router.teams(of: invitation.agent).first ?? core.configuration.defaultTeam
            let id = core.configuration.conversationPrefix + String(core.nextConversation)
            core.nextConversation += 1
            let (machine, events) = ConversationMachine.start(
                id: id, visitor: actor.user, team: team, priority: 0, tags: [], properties: actor.startingProperties([]), offline: false, now: now)
            core.commit(machine, events: events, staffBefore: [], into: &actions)
            if case .success(let freed) = core.router.assign(id, to: invitation.agent, now: now) {
                core.apply([Assignment(conversation: id, agent: invitation.agent)] + freed, now: now, into: &actions)
                if let text = invitation.text, !text.isEmpty, var assigned = core.machines[id],
                   case .success(let posted) = assigned.post(
                    text: text, attachments: [], clientMessageId: nil,
                    from: ChatIdentity(user: invitation.agent, role: .agent), now: now) {
                    core.commit(assigned, events: posted, staffBefore: assigned.staff, into: &actions)
                }
            } else {
                core.enqueue(machine, front: false, excluding: nil, now: now, into: &actions)
            }
            actions.append(.invitationAnswered(
                invitation: invitationID, agent: invitation.agent, visitor: actor.user, accepted: true, conversation: id))
            return .success(.ok(conversation: id, cseq: core.machines[id]!.lastCseq))
        }
    }

    // MARK: Inputs from the presence layer

    /// The presence layer, which owns the agent's choice, says what follows from it: whether
    /// they take new conversations (their choice, unless away or gone) and their own limit.
    /// Going offline re-routes their conversations like the end of a disconnect grace period
    /// (ROUTE-10).
    public mutating func agentAvailabilityChanged(_ agent: String, routing: RoutingStatus, maxConcurrent: Int? = nil, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in
            if routing == .offline { return core.takeOffline(agent, now: now, into: &actions) }
            core.setAvailability(agent, routing: routing, maxConcurrent: maxConcurrent, now: now, into: &actions)
        }
    }

    /// An agent's last connection dropped: they get nothing new, and their conversations wait
    /// for the grace period (ROUTE-10); when it ends without a reconnection, their conversations
    /// are re-routed, and the registration of an agent registered by their sign-in ends until
    /// they sign in again (ROUTE-17).
    public mutating func agentDisconnected(_ agent: String, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in
            guard core.router.hasAgent(agent) else { return }
            core.startGrace(agent, now: now, into: &actions)
        }
    }

    /// Marks a registered agent disconnected and starts their grace period (ROUTE-10).
    mutating func startGrace(_ agent: String, now: Instant, into actions: inout [LiveChatAction]) {
        disconnectSerial += 1
        disconnects[agent] = disconnectSerial
        apply(router.setConnected(false, agent: agent, now: now), now: now, into: &actions)
        if configuration.disconnectGraceMs == 0 { return graceEnded(agent, now: now, into: &actions) }
        actions.append(.armTimer(LiveChatTimer(
            deadline: now.adding(milliseconds: configuration.disconnectGraceMs),
            kind: .disconnectGrace(agent: agent, disconnect: disconnectSerial))))
    }

    /// A staff member's first connection (after having none). With a `profile` (from their
    /// credentials) they are registered, or re-registered, with its teams, skills and cap
    /// (ROUTE-2, ROUTE-14); without one, a known agent keeps theirs. Either way they count as
    /// connected again (ROUTE-10: a reconnection within the grace period keeps their status and
    /// conversations), and someone `offline` becomes `notAccepting` (PRES-23): a valid transfer,
    /// take-over and invitation target before they choose, but routed nothing (ROUTE-11).
    public mutating func agentConnected(_ agent: String, profile: AgentProfile? = nil, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in
            if let profile, profile.teams.allSatisfy(core.router.hasTeam) {
                core.register(agent, profile, now: now, into: &actions)
                core.registeredBySignIn.insert(agent)
            }
            guard core.router.hasAgent(agent) else { return }
            core.disconnects[agent] = nil
            core.apply(core.router.setConnected(true, agent: agent, now: now), now: now, into: &actions)
            if core.router.status(of: agent) == .offline {
                core.apply(core.router.setStatus(.notAccepting, of: agent, now: now), now: now, into: &actions)
            }
        }
    }

    /// A supervisor changes a registered agent's teams, skills and concurrency cap, at once:
    /// routing uses them from this input on, conversations already assigned stay (ROUTE-14).
    public mutating func updateAgent(_ agent: String, _ profile: AgentProfile, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            guard actor.role == .supervisor else { return .failure(CommandError(.forbidden, "ROUTE-14", "only supervisors update agents")) }
            guard core.router.hasAgent(agent) else { return .failure(CommandError(.agentNotFound, "ROUTE-14", "no agent \(agent)")) }
            if let refusal = core.refusal(of: profile) { return .failure(refusal) }
            core.register(agent, profile, now: now, into: &actions)
            actions.append(.persist(.agent(id: agent, profile)))
            return .success(.ok(conversation: nil, cseq: nil))
        }
    }

    /// Registers (or re-registers) an agent with a profile, its cap bounded by the server's.
    mutating func register(_ agent: String, _ profile: AgentProfile, now: Instant, into actions: inout [LiveChatAction]) {
        let cap = profile.maxConcurrent.map { min(max($0, 1), configuration.maxConcurrentCap) }
        apply(router.registerAgent(agent, teams: profile.teams, skills: profile.skills, cap: cap, now: now), now: now, into: &actions)
    }

    /// A visitor arrived on or left the site, as the presence layer reports it (offline after
    /// its grace period): leaving withdraws their invitations, declined for the agent (CONV-21),
    /// and they can no longer be invited (CONV-20).
    public mutating func visitorPresenceChanged(_ visitor: String, onSite: Bool, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in
            guard !onSite else {
                core.visitorsOnSite.insert(visitor)
                core.awaitedVisitors.remove(visitor)
                return
            }
            core.withdrawInvitations(of: visitor, into: &actions)
        }
    }

    /// A visitor's last session ended (its resume window passed, SESSION-15): they are gone, and
    /// their queued conversations are abandoned (CONV-8); offline ones keep their message (CONV-7).
    public mutating func visitorLeft(_ visitor: String, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in
            core.abandonQueued(of: visitor, now: now, into: &actions)
            core.withdrawInvitations(of: visitor, into: &actions)
        }
    }

    /// Abandons the queued conversations of a visitor who is gone (CONV-8).
    mutating func abandonQueued(of visitor: String, now: Instant, into actions: inout [LiveChatAction]) {
        for id in openByVisitor[visitor, default: []].sorted() where machines[id]?.wireState == .queued {
            _ = transition(id, actor: ChatIdentity(user: visitor, role: .visitor), now: now, into: &actions) { machine in
                machine.abandon(now: now)
            }
        }
    }

    /// Takes `visitor` off the site and withdraws their pending invitations, each reported to
    /// its agent as declined (CONV-21).
    mutating func withdrawInvitations(of visitor: String, into actions: inout [LiveChatAction]) {
        visitorsOnSite.remove(visitor)
        for invitation in invitations.values.sorted(by: { $0.id < $1.id }) where invitation.visitor == visitor {
            invitations[invitation.id] = nil
            actions.append(.invitationAnswered(
                invitation: invitation.id, agent: invitation.agent, visitor: visitor, accepted: false, conversation: nil))
        }
    }

    // MARK: Timers

    /// A timer the core armed reached its deadline. Timers made stale by later inputs do
    /// nothing (ROUTE-9, ROUTE-10, CONV-22, ROUTE-8).
    public mutating func timerFired(_ timer: LiveChatTimer, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in
            switch timer.kind {
            case .answer(let id, let assignment):
                guard let machine = core.machines[id], machine.assignment == assignment, !machine.isAnswered,
                      let agent = machine.agent else { return }
                core.reroute(id, awayFrom: agent, now: now, into: &actions)
            case .inactivity(let id):
                core.inactivityArmed.remove(id)
                guard let machine = core.machines[id], machine.wireState == .active else { return }
                // The system acts with the visitor's visibility: it may see the conversation.
                let timeout = core.configuration.inactivityTimeoutMs
                _ = core.transition(id, actor: ChatIdentity(user: machine.visitor, role: .visitor), now: now, into: &actions) { machine in
                    machine.expireInactivity(timeoutMs: timeout, now: now)
                }
                if let still = core.machines[id] { core.armInactivity(still, into: &actions) }
            case .disconnectGrace(let agent, let disconnect):
                guard core.disconnects[agent] == disconnect else { return }
                core.graceEnded(agent, now: now, into: &actions)
            case .queuePositions:
                core.positionTimerArmed = false
                core.pushPositions(now: now, into: &actions)
            case .archive(let id):
                core.archiveIfDue(id, now: now, into: &actions)
            case .absentVisitor(let visitor):
                guard core.awaitedVisitors.remove(visitor) != nil else { return }
                core.abandonQueued(of: visitor, now: now, into: &actions)
            case .invitationExpiry(let id):
                guard let invitation = core.invitations.removeValue(forKey: id) else { return }
                actions.append(.invitationAnswered(
                    invitation: id, agent: invitation.agent, visitor: invitation.visitor, accepted: false, conversation: nil))
            }
        }
    }

    // MARK: Steps

    /// Runs a system input and schedules queue-position pushes.
    mutating func system(_ now: Instant, _ body: (inout LiveChatCore, inout [LiveChatAction]) -> Void) -> [LiveChatAction] {
        var actions: [LiveChatAction] = []
        body(&self, &actions)
        schedulePositions(now: now, into: &actions)
        return actions
    }

    /// Puts an active conversation back at the front of its queue, never to go to `agent`
    /// again (ROUTE-9).
    mutating func reroute(_ id: String, awayFrom agent: String, now: Instant, into actions: inout [LiveChatAction]) {
        guard var machine = machines[id] else { return }
        let before = machine.staff
        guard case .success(let events) = machine.reroute(now: now) else { return }
        commit(machine, events: events, staffBefore: before, into: &actions)
        enqueue(machine, front: true, excluding: agent, releasing: agent, now: now, into: &actions)
    }

    /// Sets an agent offline and re-routes every conversation assigned to them, oldest
    /// ending up first in the queue (ROUTE-10); the agent's index gives them, no scan.
    mutating func takeOffline(_ agent: String, now: Instant, into actions: inout [LiveChatAction]) {
        apply(router.setStatus(.offline, of: agent, now: now), now: now, into: &actions)
        let assigned = creationOrdered((activeByAgent[agent] ?? []).compactMap { machines[$0] })
        for machine in assigned.reversed() { reroute(machine.id, awayFrom: agent, now: now, into: &actions) }
    }
}
