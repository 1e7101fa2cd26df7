import ParleyCore
import ParleyWire

/// Administration at run time, from the embedding code: adding and removing teams,
/// registering, changing and removing agents (ROUTE-16, ROUTE-18). Each call is an input like any other: it takes `now` and
/// returns the outputs to carry out (assignments it caused reach their users at once, ROUTE-7).
///
/// ```swift
/// perform(core.addTeam("billing", now: now))
/// if case .success(let outputs) = core.setAgent("ann", AgentProfile(teams: ["billing"], maxConcurrent: 4), now: now) {
///     perform(outputs)
/// }
/// perform(core.removeAgent("bob", now: now))   // bob's conversations go back to the queue
/// ```
extension ServerCore {
    /// Adds a team, or changes an existing team's default concurrency limit (ROUTE-1, ROUTE-5,
    /// ROUTE-16). Agents whose credentials name the team are placed in it at their next sign-in;
    /// a raised default routes waiting conversations at once.
    ///
    /// - Parameters:
    ///   - id: the team.
    ///   - defaultMaxConcurrent: the limit of its agents who set none; `nil` for the
    ///     configured default.
    ///   - now: the current time.
    public mutating func addTeam(_ id: String, defaultMaxConcurrent: Int? = nil, now: Instant) -> [ServerOutput] {
        apply(chat.addTeam(id, defaultMaxConcurrent: defaultMaxConcurrent ?? configuration.chat.defaultMaxConcurrent, now: now), now: now)
        return emit(now: now)
    }

    /// Removes a team (ROUTE-18): its agents leave it (those with no other team join `target`),
    /// its waiting conversations go to the front of `target`'s queue in their order, and its
    /// other conversations in memory move to `target` with a `transferred` event, active ones
    /// keeping their agent. Sessions that watch its queue feed get nothing more from it.
    ///
    /// - Parameters:
    ///   - id: the team to remove.
    ///   - target: where they go; `nil` for the configured default team.
    ///   - now: the current time.
    /// - Returns: the outputs to carry out, or `TEAM_NOT_FOUND` / `INVALID_ARGUMENT` (the
    ///   default team, or a target equal to the team); nothing changed then.
    public mutating func removeTeam(_ id: String, movingTo target: String? = nil, now: Instant) -> Result<[ServerOutput], CommandError> {
        let outcome = chat.removeTeam(id, movingTo: target, now: now)
        if case .failure(let error) = outcome.result { return .failure(error) }
        apply(outcome.actions, now: now)
        return .success(emit(now: now))
    }

    /// Registers an agent with a profile, or changes a registered agent's teams, skills and
    /// concurrency cap (ROUTE-14, ROUTE-16). Routing uses it from this input on (a raised cap or
    /// a new team routes waiting conversations to them at once); conversations already assigned
    /// stay. A new agent starts `offline`, and becomes `notAccepting` when they connect. The host
    /// owns this registration: it lasts until ``removeAgent(_:now:)``, also past the agent's
    /// disconnects, until their next sign-in, whose credentials speak again.
    ///
    /// - Returns: the outputs to carry out, or `TEAM_NOT_FOUND` when a team does not exist.
    public mutating func setAgent(_ id: String, _ profile: AgentProfile, now: Instant) -> Result<[ServerOutput], CommandError> {
        let outcome = chat.registerAgent(id, profile, now: now)
        if case .failure(let error) = outcome.result { return .failure(error) }
        apply(outcome.actions, now: now)
        return .success(emit(now: now))
    }

    /// Removes an agent (ROUTE-16): their active conversations go back to the front of their
    /// queues as at the end of a disconnect grace period (ROUTE-10), their pending invitations
    /// lapse, and they are no longer registered. Their sessions stay connected (closing them is
    /// the host's choice); they are routed nothing and `agentStatus` answers `AGENT_NOT_FOUND`
    /// until they sign in again with credentials that register them.
    public mutating func removeAgent(_ id: String, now: Instant) -> [ServerOutput] {
        apply(chat.removeAgent(id, now: now), now: now)
        return emit(now: now)
    }
}

extension ServerCore {
    /// Erases everything of `visitor` in memory and tells the store to erase the rest, in
    /// order with every other write (STORE-8): the host's call, counted as a supervisor's
    /// `eraseVisitor` is (CONV-37). Their sessions stay; staff are not told.
    ///
    /// - Parameters:
    ///   - visitor: the visitor's user id.
    ///   - archived: the store's answer to `ArchiveQuery.visitor(_:)`, read before
    ///     the call when memory keeps no archive (`LiveChatConfiguration.keepsArchive` off);
    ///     `nil` when memory holds everything.
    ///   - now: the current time.
    /// - Returns: what was removed — memory's conversations and the archived ones, each once —
    ///   and the outputs to carry out.
    public mutating func eraseVisitor(_ visitor: String, archived: ArchivedConversations? = nil, now: Instant) -> (Erasure, [ServerOutput]) {
        if let archived { chat.restore(archived) }
        let (erasure, actions) = chat.eraseVisitor(visitor, now: now)
        chat.forgetRestored()
        apply(actions, now: now)
        return (erasure, emit(now: now))
    }
}
