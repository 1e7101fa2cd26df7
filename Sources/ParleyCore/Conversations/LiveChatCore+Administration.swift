import ParleyWire

/// What the embedding code changes at run time: removing agents and teams, and the end of a
/// disconnected agent's registration (ROUTE-16, ROUTE-17, ROUTE-18). Teams are added with
/// ``addTeam(_:defaultMaxConcurrent:now:)`` and agents registered or changed with
/// ``registerAgent(_:_:now:)``.
extension LiveChatCore {
    /// Removes an agent (ROUTE-16): their active conversations are re-routed as at the end of a
    /// disconnect grace period (ROUTE-10), their pending invitations are dropped (answering one
    /// is `INVITATION_NOT_FOUND`), and they are no longer registered, so they are routed nothing
    /// and their `agentStatus` is `AGENT_NOT_FOUND`. Conversations they joined keep them as
    /// members until they leave. An unknown agent changes nothing.
    public mutating func removeAgent(_ agent: String, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in
            guard core.router.hasAgent(agent) else { return }
            core.retire(agent, now: now, into: &actions)
            actions.append(.persist(.agentRemoved(id: agent)))
        }
    }

    /// Removes a team (ROUTE-18): its agents leave it (one with no other team joins `target`),
    /// its waiting conversations go to the front of `target`'s queue in their order, and every
    /// conversation of it in memory moves to `target` with a `transferred` event; active ones
    /// keep their agent. Archived conversations keep the name.
    ///
    /// - Parameters:
    ///   - team: the team to remove.
    ///   - target: where its agents and conversations go; `nil` for the default team.
    ///   - now: the current time.
    /// - Returns: `TEAM_NOT_FOUND` for an unknown team or target, `INVALID_ARGUMENT` for the
    ///   default team or a target equal to the team; nothing changed then.
    public mutating func removeTeam(_ team: String, movingTo target: String? = nil, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            let target = target ?? core.configuration.defaultTeam
            guard core.router.hasTeam(team) else { return .failure(CommandError(.teamNotFound, "ROUTE-18", "no team \(team)")) }
            guard core.router.hasTeam(target) else { return .failure(CommandError(.teamNotFound, "ROUTE-18", "no team \(target)")) }
            guard team != core.configuration.defaultTeam, team != target else {
                return .failure(CommandError(.invalidArgument, "ROUTE-18", "the default team and the target stay"))
            }
            for agent in core.router.agentIDs where core.router.teams(of: agent).contains(team) {
                let teams = core.router.teams(of: agent).filter { $0 != team }
                let profile = AgentProfile(
                    teams: teams.isEmpty ? [target] : teams, skills: core.router.skills(of: agent), maxConcurrent: core.router.cap(of: agent))
                core.register(agent, profile, now: now, into: &actions)
            }
            let waiting = core.router.waiting(in: team)
            for machine in core.creationOrdered((core.inMemoryByTeam[team] ?? []).compactMap { core.machines[$0] }) {
                var moved = machine
                let events = moved.moveTeam(to: target, now: now)
                core.commit(moved, events: events, staffBefore: machine.informedStaff, into: &actions)
            }
            for id in waiting.reversed() {
                if let machine = core.machines[id] { core.enqueue(machine, front: true, excluding: nil, now: now, into: &actions) }
            }
            core.router.removeTeam(team)
            core.queueDepartures[team] = nil
            actions.append(.persist(.teamRemoved(id: team, movedTo: target)))
            return .success(.ok(conversation: nil, cseq: nil))
        }
    }

    /// Why a supervisor's profile cannot be applied, if it cannot (ROUTE-14).
    func refusal(of profile: AgentProfile) -> CommandError? {
        guard !profile.teams.isEmpty else { return CommandError(.invalidArgument, "ROUTE-14", "an agent needs a team") }
        if let missing = profile.teams.first(where: { !router.hasTeam($0) }) {
            return CommandError(.teamNotFound, "ROUTE-14", "no team \(missing)")
        }
        guard (profile.maxConcurrent ?? 1) >= 1 else {
            return CommandError(.invalidArgument, "ROUTE-14", "maxConcurrent must be at least 1")
        }
        return nil
    }

    /// The disconnect grace period of an agent ended without a reconnection: their conversations
    /// are re-routed (ROUTE-10), and an agent registered by their sign-in is no longer
    /// registered (ROUTE-17); one the host registered stays, offline, until the host removes them.
    mutating func graceEnded(_ agent: String, now: Instant, into actions: inout [LiveChatAction]) {
        disconnects[agent] = nil
        if registeredBySignIn.contains(agent) { return retire(agent, now: now, into: &actions) }
        takeOffline(agent, now: now, into: &actions)
    }

    /// Takes an agent offline, re-routing their conversations, drops their invitations and
    /// their registration (ROUTE-16, ROUTE-17).
    mutating func retire(_ agent: String, now: Instant, into actions: inout [LiveChatAction]) {
        guard router.hasAgent(agent) else { return }
        takeOffline(agent, now: now, into: &actions)
        for invitation in invitations.values where invitation.agent == agent { invitations[invitation.id] = nil }
        disconnects[agent] = nil
        registeredBySignIn.remove(agent)
        apply(router.removeAgent(agent, now: now), now: now, into: &actions)
    }
}
