import ParleyWire

/// The routing engine: teams with queues, agents with a routing status, a concurrency limit
/// and a load, and the policy that pairs them (ROUTE section).
///
/// A pure value: every input returns the assignments it caused and the caller applies them to
/// its conversations. It keeps waiting conversations only: who handles an assigned one is the
/// conversation's fact, which the caller passes back (`releasing`) when it moves or ends; the
/// router counts each agent's load. Waiting conversations sit in per-team heaps ordered by priority then
/// ticket, split by the tags they need; available agents sit in per-team heaps ordered by
/// load then idle time, split by skills. A match therefore looks at the head of each class
/// instead of scanning a queue (ROUTE-12).
public struct ConversationRouter: Sendable {
    var agents: [AgentRecord] = []
    var agentSlots: [String: Int] = [:]
    /// The slots of removed agents, empty records given back if the same agent registers again,
    /// so that registration order and re-route exclusions keep meaning who they meant (ROUTE-16).
    var retiredSlots: [String: Int] = [:]
    var teams: [TeamRecord] = []
    var teamSlots: [String: Int] = [:]
    /// The waiting conversations.
    var conversations: [ConversationRecord?] = []
    var conversationSlots: [String: Int] = [:]
    /// The agents a re-route excluded, per open conversation (ROUTE-9), until it ends.
    var exclusions: [String: Set<Int>] = [:]
    var freeConversationSlots: [Int] = []
    var nextTicket: Int64 = 1
    var nextFrontTicket: Int64 = -1
    /// Teams whose queue order changed for someone already waiting since the last position flush.
    var dirtyTeams: Set<Int> = []
    /// Teams whose queue gained or lost a conversation since the last position flush (ROUTE-15).
    var changedQueues: Set<Int> = []
    private let fallbackLimit: Int

    /// Creates an empty router; `defaultMaxConcurrent` is the limit of an agent with no own
    /// limit and no team.
    public init(defaultMaxConcurrent: Int) { fallbackLimit = defaultMaxConcurrent }

    // MARK: Configuration

    /// Adds a team, or changes its default concurrency limit (ROUTE-5).
    ///
    /// - Returns: the assignments a raised default caused.
    public mutating func addTeam(_ id: String, defaultMaxConcurrent: Int, now: Instant) -> [Assignment] {
        guard let slot = teamSlots[id] else {
            teamSlots[id] = teams.count
            teams.append(TeamRecord(id: id, defaultLimit: defaultMaxConcurrent))
            return []
        }
        teams[slot].defaultLimit = defaultMaxConcurrent
        var assignments: [Assignment] = []
        for agent in agents.indices where agents[agent].teams.contains(slot) {
            assignments += refresh(agent: agent, now: now)
        }
        return assignments
    }

    /// Removes a team that no agent belongs to and no conversation waits in any more (the
    /// caller moved them, ROUTE-18); its slot stays, empty, so that no record points elsewhere.
    public mutating func removeTeam(_ id: String) {
        guard let slot = teamSlots.removeValue(forKey: id) else { return }
        teams[slot] = TeamRecord(id: id, defaultLimit: teams[slot].defaultLimit)
    }

    /// Whether a team with this id exists.
    public func hasTeam(_ id: String) -> Bool { teamSlots[id] != nil }

    /// Registers an agent in existing teams with their skills and concurrency cap; a new agent
    /// starts `offline`. Registering again replaces teams, skills and cap and keeps status, load
    /// and own limit.
    ///
    /// - Returns: the assignments the change caused (an available agent may now match more).
    public mutating func registerAgent(
        _ id: String, teams teamIDs: [String], skills: Set<String>, cap: Int? = nil, now: Instant
    ) -> [Assignment] {
        let slots = teamIDs.compactMap { teamSlots[$0] }
        guard let slot = agentSlots[id] else {
            let record = AgentRecord(id: id, teams: slots, skills: skills, cap: cap, idleSince: now)
            if let retired = retiredSlots.removeValue(forKey: id) {
                agentSlots[id] = retired
                agents[retired] = record
            } else {
                agentSlots[id] = agents.count
                agents.append(record)
            }
            return []
        }
        let wasAccepting = agents[slot].status == .accepting
        if wasAccepting { for team in agents[slot].teams { teams[team].accepting -= 1 } }
        leavePools(slot)
        agents[slot].teams = slots
        agents[slot].skills = skills
        agents[slot].cap = cap
        if wasAccepting { for team in slots { teams[team].accepting += 1 } }
        return refresh(agent: slot, now: now)
    }

    /// Removes an agent who has no assigned conversation left (ROUTE-16): they take nothing from
    /// now on and are no longer registered; their slot keeps only their id.
    ///
    /// - Returns: the assignments the change caused (none: a removed agent frees no capacity).
    public mutating func removeAgent(_ id: String, now: Instant) -> [Assignment] {
        guard let slot = agentSlots[id] else { return [] }
        let caused = setStatus(.offline, of: id, now: now)
        leavePools(slot)
        agents[slot] = AgentRecord(id: id, teams: [], skills: [], cap: nil, idleSince: now)
        agentSlots[id] = nil
        retiredSlots[id] = slot
        return caused
    }

    /// Whether an agent with this id is registered.
    public func hasAgent(_ id: String) -> Bool { agentSlots[id] != nil }

    // MARK: Agent inputs

    /// Sets an agent's routing status (ROUTE-6). Becoming accepting restarts their idle time.
    public mutating func setStatus(_ status: RoutingStatus, of id: String, now: Instant) -> [Assignment] {
        guard let slot = agentSlots[id] else { return [] }
        let old = agents[slot].status
        guard old != status else { return [] }
        if old == .accepting { for team in agents[slot].teams { teams[team].accepting -= 1 } }
        if status == .accepting {
            for team in agents[slot].teams { teams[team].accepting += 1 }
            agents[slot].idleSince = now
        }
        agents[slot].status = status
        return refresh(agent: slot, now: now)
    }

    /// Marks an agent connected or disconnected; a disconnected agent gets nothing new (ROUTE-10).
    public mutating func setConnected(_ connected: Bool, agent id: String, now: Instant) -> [Assignment] {
        guard let slot = agentSlots[id], agents[slot].connected != connected else { return [] }
        agents[slot].connected = connected
        return refresh(agent: slot, now: now)
    }

    /// Sets an agent's own concurrency limit, or `nil` for the team default (ROUTE-5).
    public mutating func setLimit(_ limit: Int?, of id: String, now: Instant) -> [Assignment] {
        guard let slot = agentSlots[id] else { return [] }
        agents[slot].ownLimit = limit
        return refresh(agent: slot, now: now)
    }

    // MARK: Conversation inputs

    /// Puts a conversation in a team's queue (a new one, or an existing one re-routed,
    /// transferred or reopened), releasing the agent who handled it, if any.
    ///
    /// - Parameters:
    ///   - id: the conversation.
    ///   - teamID: the team whose queue it joins.
    ///   - priority: its priority; higher goes first.
    ///   - tags: its tags, matched against agents' skills.
    ///   - front: ahead of every waiting conversation of the same priority (ROUTE-9).
    ///   - excluding: an agent never to pick again for this conversation (ROUTE-9).
    ///   - previous: the agent it was assigned to until now.
    ///   - restored: the ticket it had before a restart (``ticket(of:)``, STORE-6), which puts it
    ///     back at its place among the others; `front` is then ignored.
    ///   - now: the current time.
    /// - Returns: the conversation's own placement, and the assignments that freeing its
    ///   previous agent caused.
    public mutating func enqueue(
        _ id: String, team teamID: String, priority: UInt32, tags: Set<String>, front: Bool = false,
        excluding: String? = nil, releasing previous: String? = nil, restoring restored: Int64? = nil, now: Instant
    ) -> (placement: QueuePlacement, others: [Assignment]) {
        let ticket = restored ?? (front ? nextFrontTicket : nextTicket)
        if ticket < 0 { nextFrontTicket = min(nextFrontTicket, ticket) - 1 } else { nextTicket = max(nextTicket, ticket) + 1 }
        if let excluded = excluding.flatMap({ agentSlots[$0] }) { exclusions[id, default: []].insert(excluded) }
        let slot = record(id, team: teamID, priority: priority, tags: tags, ticket: ticket)
        let freed = release(previous)
        let placement = place(slot, now: now)
        let others = freed.map { refresh(agent: $0, now: now) } ?? []
        return (placement, others)
    }

    /// Hands a conversation directly to an agent (transfer to agent, takeover, accepted
    /// invitation, reopen to the last agent): out of its queue if it waited, away from
    /// `previous` if it was assigned.
    ///
    /// - Returns: the assignments that freeing the previous agent caused, or
    ///   `AGENT_NOT_FOUND` / `AGENT_AT_CAPACITY` (ROUTE-11) without any change.
    public mutating func assign(_ id: String, to agentID: String, releasing previous: String? = nil, now: Instant) -> Result<[Assignment], CommandError> {
        guard let agent = agentSlots[agentID], agents[agent].status != .offline else {
            return .failure(CommandError(.agentNotFound, "ROUTE-11", "no such agent online: \(agentID)"))
        }
        if previous == agentID { return .success([]) }
        guard agents[agent].load < limit(ofSlot: agent) else {
            return .failure(CommandError(.agentAtCapacity, "ROUTE-11", "\(agentID) is at their concurrency limit"))
        }
        if let slot = conversationSlots[id] { drop(slot) }
        let freed = release(previous)
        give(to: agent, now: now)
        var caused = freed.map { refresh(agent: $0, now: now) } ?? []
        caused += refresh(agent: agent, now: now)
        return .success(caused)
    }

    /// Counts a conversation that was assigned to `agent` before a restart in their load
    /// (STORE-6): the agent is not available (nobody is connected yet), so nothing is placed.
    public mutating func adopt(by agent: String) {
        guard let slot = agentSlots[agent] else { return }
        agents[slot].load += 1
    }

    /// Forgets a conversation that ended (closed or abandoned): out of its queue if it waited,
    /// its agent `previous` freed if it was assigned.
    ///
    /// - Returns: the assignments that freeing the agent caused (ROUTE-7).
    public mutating func remove(_ id: String, releasing previous: String? = nil, now: Instant) -> [Assignment] {
        exclusions[id] = nil
        if let slot = conversationSlots[id] { drop(slot) }
        return release(previous).map { refresh(agent: $0, now: now) } ?? []
    }

    // MARK: Queries

    /// The queue position last computed for a waiting conversation (at arrival or at the
    /// last `positionChanges()`).
    public func reportedPosition(of id: String) -> Int? {
        conversationSlots[id].flatMap { conversations[$0]!.reportedPosition }
    }

    /// A waiting conversation's place in the queue order among those of its priority: arrival
    /// order, negative for front-of-queue re-entries (the latest lowest). Kept in the
    /// conversation's record so that a restart restores the order (STORE-6).
    public func ticket(of id: String) -> Int64? { conversationSlots[id].map { conversations[$0]!.ticket } }

    /// Whether a conversation is waiting in a queue.
    public func isWaiting(_ id: String) -> Bool {
        guard let slot = conversationSlots[id] else { return false }
        return conversations[slot]!.classSlot != nil
    }

    /// Whether any agent of the team has routing status accepting (CONV-7).
    public func hasAcceptingAgent(in team: String) -> Bool { teamSlots[team].map { teams[$0].accepting > 0 } ?? false }

    /// An agent's routing status, or `nil` for an unknown agent.
    public func status(of id: String) -> RoutingStatus? { agentSlots[id].map { agents[$0].status } }

    /// An agent's current load (active conversations assigned), 0 for an unknown agent.
    public func load(of id: String) -> Int { agentSlots[id].map { agents[$0].load } ?? 0 }

    /// An agent's effective concurrency limit (ROUTE-5), 0 for an unknown agent.
    public func limit(of id: String) -> Int { agentSlots[id].map { limit(ofSlot: $0) } ?? 0 }

    /// Whether the agent would take a new conversation now: accepting, connected, below limit.
    public func isAvailable(_ id: String) -> Bool { agentSlots[id].map(isAvailable(slot:)) ?? false }

    /// The ids of an agent's teams.
    public func teams(of id: String) -> [String] { agentSlots[id].map { agents[$0].teams.map { teams[$0].id } } ?? [] }

    /// The skills of an agent.
    public func skills(of id: String) -> Set<String> { agentSlots[id].map { agents[$0].skills } ?? [] }

    /// The concurrency cap of an agent, if their credentials or a supervisor set one (ROUTE-5).
    public func cap(of id: String) -> Int? { agentSlots[id].flatMap { agents[$0].cap } }

    /// Whether an agent is excluded from a conversation by a re-route (ROUTE-9).
    public func isExcluded(_ agent: String, from id: String) -> Bool {
        guard let agentSlot = agentSlots[agent] else { return false }
        return exclusions[id]?.contains(agentSlot) ?? false
    }

    /// Every registered agent id, in registration order.
    public var agentIDs: [String] { agents.indices.filter { agentSlots[agents[$0].id] == $0 }.map { agents[$0].id } }

    /// The waiting conversations of a team, in queue order (ROUTE-3).
    ///
    /// - Complexity: O(n log n) for n waiting conversations.
    public func waiting(in team: String) -> [String] {
        guard let slot = teamSlots[team] else { return [] }
        return orderedWaiting(team: slot).map { conversations[$0]!.id }
    }

    /// The teams whose queue changed since the last call, and the 1-based position of every
    /// conversation in them that differs from the position reported before (ROUTE-8, ROUTE-15).
    ///
    /// - Complexity: O(n log n) per changed team; called on a timer, not per assignment.
    public mutating func positionChanges() -> (positions: [QueuePositionChange], teams: [String]) {
        var changes: [QueuePositionChange] = []
        for team in dirtyTeams.sorted() {
            for (index, slot) in orderedWaiting(team: team).enumerated() where conversations[slot]!.reportedPosition != index + 1 {
                conversations[slot]!.reportedPosition = index + 1
                changes.append(QueuePositionChange(conversation: conversations[slot]!.id, position: index + 1))
            }
        }
        let changed = changedQueues.union(dirtyTeams).sorted().map { teams[$0].id }
        dirtyTeams.removeAll()
        changedQueues.removeAll()
        return (changes, changed)
    }

    /// Whether some queue changed since the last `positionChanges()`.
    public var hasPositionChanges: Bool { !dirtyTeams.isEmpty || !changedQueues.isEmpty }

    // MARK: Internals shared with the matching code

    func limit(ofSlot slot: Int) -> Int {
        let agent = agents[slot]
        if let own = agent.ownLimit { return min(own, agent.cap ?? own) }
        return agent.cap ?? agent.teams.map { teams[$0].defaultLimit }.min() ?? fallbackLimit
    }

    func isAvailable(slot: Int) -> Bool {
        let agent = agents[slot]
        return agent.status == .accepting && agent.connected && agent.load < limit(ofSlot: slot)
    }

    private func orderedWaiting(team: Int) -> [Int] {
        var all: [(key: QueueKey, handle: Int)] = []
        for conversationClass in teams[team].classes { all += conversationClass.queue.unordered }
        all.sort { $0.key < $1.key }
        return all.map(\.handle)
    }

    /// Creates the waiting record of a conversation, or updates one already waiting and takes
    /// it out of its queue; either way not yet placed.
    ///
    /// - Returns: the record's slot.
    private mutating func record(_ id: String, team teamID: String, priority: UInt32, tags: Set<String>, ticket: Int64) -> Int {
        let team = teamSlots[teamID]!
        let excluded = exclusions[id] ?? []
        if let slot = conversationSlots[id] {
            detach(slot)
            conversations[slot]!.team = team
            conversations[slot]!.priority = priority
            conversations[slot]!.tags = tags
            conversations[slot]!.ticket = ticket
            conversations[slot]!.excluded = excluded
            return slot
        }
        let slot = freeConversationSlots.popLast() ?? conversations.count
        let record = ConversationRecord(id: id, team: team, priority: priority, tags: tags, ticket: ticket, excluded: excluded)
        if slot == conversations.count { conversations.append(record) } else { conversations[slot] = record }
        conversationSlots[id] = slot
        return slot
    }

    /// Takes a waiting conversation out of its queue and forgets its record.
    mutating func drop(_ slot: Int) {
        detach(slot)
        conversationSlots[conversations[slot]!.id] = nil
        conversations[slot] = nil
        freeConversationSlots.append(slot)
    }

    /// One conversation of `agent` moved away or ended: their load goes down.
    ///
    /// - Returns: the agent's slot, for the caller to refresh once the move is done.
    private mutating func release(_ agent: String?) -> Int? {
        guard let agent, let slot = agentSlots[agent] else { return nil }
        agents[slot].load = max(agents[slot].load - 1, 0)
        return slot
    }
}

/// Where `ConversationRouter.enqueue` put a conversation.
public enum QueuePlacement: Equatable, Sendable {
    /// Assigned at once to this agent.
    case assigned(agent: String)
    /// Waiting at this 1-based position of its team's queue.
    case waiting(position: Int)
}

/// A conversation whose queue position changed.
public struct QueuePositionChange: Equatable, Sendable {
    /// The conversation.
    public var conversation: String
    /// Its new 1-based position.
    public var position: Int
}

/// A conversation handed to an agent by the router.
public struct Assignment: Equatable, Sendable {
    /// The conversation.
    public var conversation: String
    /// The agent who now handles it.
    public var agent: String
}
