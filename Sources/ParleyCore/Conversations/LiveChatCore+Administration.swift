import ParleyWire

/// What the embedding code changes at run time: removing agents, and the end of a disconnected
/// agent's registration (ROUTE-16, ROUTE-17). Teams are added with
/// ``addTeam(_:defaultMaxConcurrent:now:)`` and agents registered or changed with
/// ``registerAgent(_:_:now:)``.
extension LiveChatCore {
    /// Removes an agent (ROUTE-16): their active conversations are re-routed as at the end of a
    /// disconnect grace period (ROUTE-10), their pending invitations are dropped (answering one
    /// is `INVITATION_NOT_FOUND`), and they are no longer registered, so they are routed nothing
    /// and their `agentStatus` is `AGENT_NOT_FOUND`. Conversations they joined keep them as
    /// members until they leave. An unknown agent changes nothing.
    public mutating func removeAgent(_ agent: String, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in core.retire(agent, now: now, into: &actions) }
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
