/// The assignment policy (ROUTE-3, ROUTE-4, ROUTE-7): the best waiting conversation for a
/// newly available agent, the best available agent for a newly waiting conversation.
///
/// Before and after every input no available agent matches a waiting conversation
/// (ROUTE-7), so each input only has to match what it changed: one conversation, or one agent.
extension ConversationRouter {
    /// Assigns a conversation at once if an agent matches, otherwise queues it.
    mutating func place(_ slot: Int, now: Instant) -> QueuePlacement {
        if let agent = bestAgent(for: slot) {
            drop(slot)
            give(to: agent, now: now)
            return .assigned(agent: agents[agent].id)
        }
        let conversation = conversations[slot]!
        let team = conversation.team
        let classSlot = classSlot(team: team, tags: conversation.tags)
        teams[team].classes[classSlot].queue.insert(slot, key: conversation.key)
        conversations[slot]!.classSlot = classSlot
        teams[team].waitingByPriority[conversation.priority, default: 0] += 1
        var ahead = 0
        var total = 0
        for (priority, count) in teams[team].waitingByPriority {
            total += count
            if priority > conversation.priority { ahead += count }
        }
        let sameOrHigher = ahead + teams[team].waitingByPriority[conversation.priority]!
        let position = conversation.ticket < 0 ? ahead + 1 : sameOrHigher
        if position != total { dirtyTeams.insert(team) }
        changedQueues.insert(team)
        conversations[slot]!.reportedPosition = position
        return .waiting(position: position)
    }

    /// Re-files an agent in the pools after a change and, while they are available, gives
    /// them the best matching waiting conversation of their teams.
    mutating func refresh(agent: Int, now: Instant) -> [Assignment] {
        syncPools(agent)
        var assignments: [Assignment] = []
        while isAvailable(slot: agent), let slot = bestConversation(for: agent) {
            assignments.append(Assignment(conversation: conversations[slot]!.id, agent: agents[agent].id))
            drop(slot)
            give(to: agent, now: now)
        }
        return assignments
    }

    /// Takes a waiting conversation out of its queue (its record stays, unplaced).
    mutating func detach(_ slot: Int) {
        let conversation = conversations[slot]!
        conversations[slot]!.classSlot = nil
        conversations[slot]!.reportedPosition = nil
        guard let classSlot = conversation.classSlot else { return }
        teams[conversation.team].classes[classSlot].queue.remove(slot)
        teams[conversation.team].waitingByPriority[conversation.priority]! -= 1
        dirtyTeams.insert(conversation.team)
        changedQueues.insert(conversation.team)
    }

    /// Counts one more conversation for an agent and re-files them.
    mutating func give(to agent: Int, now: Instant) {
        agents[agent].load += 1
        agents[agent].idleSince = max(agents[agent].idleSince, now)
        syncPools(agent)
    }

    /// Takes an agent out of every pool (before their skills or teams change).
    mutating func leavePools(_ agent: Int) {
        for (index, team) in agents[agent].teams.enumerated() where index < agents[agent].pools.count {
            teams[team].pools[agents[agent].pools[index]].agents.remove(agent)
        }
        agents[agent].pools = []
    }

    /// Puts an available agent in (or re-keys them in) the pool of each of their teams, and an
    /// unavailable one in none.
    private mutating func syncPools(_ agent: Int) {
        guard isAvailable(slot: agent) else { return leavePools(agent) }
        if agents[agent].pools.count != agents[agent].teams.count {
            agents[agent].pools = agents[agent].teams.map { poolSlot(team: $0, skills: agents[agent].skills) }
        }
        let record = agents[agent]
        let key = AgentKey(load: record.load, idleSince: record.idleSince, handle: agent)
        for (index, team) in record.teams.enumerated() {
            teams[team].pools[record.pools[index]].agents.update(agent, key: key)
        }
    }

    /// The available agent a waiting conversation should go to: skills covering its tags, not
    /// excluded, least loaded then longest idle (ROUTE-4).
    private func bestAgent(for slot: Int) -> Int? {
        let conversation = conversations[slot]!
        var best: (key: AgentKey, handle: Int)?
        for pool in teams[conversation.team].pools where conversation.tags.isSubset(of: pool.skills) {
            guard let candidate = pool.agents.first(where: { !conversation.excluded.contains($0) }) else { continue }
            if best.map({ candidate.key < $0.key }) ?? true { best = candidate }
        }
        return best?.handle
    }

    /// The waiting conversation an available agent should take: highest priority, then
    /// longest waiting, over their teams' queues, among those whose tags their skills cover
    /// and that do not exclude them (ROUTE-3, ROUTE-9).
    private func bestConversation(for agent: Int) -> Int? {
        let record = agents[agent]
        var best: (key: QueueKey, handle: Int)?
        for team in record.teams {
            for conversationClass in teams[team].classes where conversationClass.tags.isSubset(of: record.skills) {
                guard let candidate = conversationClass.queue.first(where: { !conversations[$0]!.excluded.contains(agent) })
                else { continue }
                if best.map({ candidate.key < $0.key }) ?? true { best = candidate }
            }
        }
        return best?.handle
    }

    private mutating func classSlot(team: Int, tags: Set<String>) -> Int {
        if let slot = teams[team].classes.firstIndex(where: { $0.tags == tags }) { return slot }
        teams[team].classes.append(ConversationClass(tags: tags))
        return teams[team].classes.count - 1
    }

    private mutating func poolSlot(team: Int, skills: Set<String>) -> Int {
        if let slot = teams[team].pools.firstIndex(where: { $0.skills == skills }) { return slot }
        teams[team].pools.append(AgentPool(skills: skills))
        return teams[team].pools.count - 1
    }
}
