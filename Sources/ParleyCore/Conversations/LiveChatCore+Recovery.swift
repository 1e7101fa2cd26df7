import ParleyWire

/// Starting again from what a store kept (STORE-6): after a restart, the core rebuilds its
/// conversations, queues, routing and timers from a ``RecoveredState``, as if every user had
/// just disconnected.
extension LiveChatCore {
    /// Rebuilds the core from `state` at `now`, before any connection: teams and registered
    /// agents first; then every conversation with its history, waiting ones queued again in
    /// their order (each with the router's ticket kept in its record), active ones counted in
    /// their agent's load; then, since nobody is connected,
    /// each agent with conversations starts a disconnect grace period (ROUTE-10), and each
    /// visitor with a queued or active conversation has `absentVisitorGraceMs` to come back
    /// before their queued ones are abandoned (CONV-8). An agent who signed in with their credentials is registered again
    /// in their conversations' teams until their grace period ends or they sign in (ROUTE-17).
    /// Conversation ids continue after the newest one ever created.
    ///
    /// - Returns: the timers to arm (nothing to persist: it all came from the store).
    public mutating func recover(
        _ state: RecoveredState, absentVisitorGraceMs: UInt64, now: Instant
    ) -> (recovery: Recovery, actions: [LiveChatAction]) {
        var actions: [LiveChatAction] = []
        var recovery = Recovery()
        for (team, limit) in state.teams.sorted(by: { $0.key < $1.key }) {
            apply(router.addTeam(team, defaultMaxConcurrent: limit, now: now), now: now, into: &actions)
        }
        for (agent, profile) in state.agents.sorted(by: { $0.key < $1.key }) where profile.teams.allSatisfy(router.hasTeam) {
            register(agent, profile, now: now, into: &actions)
        }
        var histories: [String: [ChatEvent]] = [:]
        for event in state.events { histories[event.conversation, default: []].append(event) }
        let machinesInOrder = creationOrdered(state.conversations)
        var waiting: [ConversationMachine] = []
        var agents: Set<String> = []
        var absentVisitors: Set<String> = []
        for machine in machinesInOrder {
            machines[machine.id] = machine
            store.setState(machine.wireState, of: machine.id)
            for event in (histories[machine.id] ?? []).sorted(by: { $0.cseq < $1.cseq }) { store.append(event) }
            recovery.events += histories[machine.id]?.count ?? 0
            inMemoryByTeam[machine.team, default: []].insert(machine.id)
            recovery.conversations += 1
            guard machine.isOpen else {
                armArchiving(machine, into: &actions)
                continue
            }
            openByVisitor[machine.visitor, default: []].insert(machine.id)
            if let agent = machine.agent {
                if !router.hasAgent(agent) {
                    let teams = [machine.team].filter(router.hasTeam)
                    register(agent, AgentProfile(teams: teams), now: now, into: &actions)
                    registeredBySignIn.insert(agent)
                }
                router.adopt(by: agent)
                activeByAgent[agent, default: []].insert(machine.id)
                agents.insert(agent)
                armAssignmentTimers(machine, now: now, into: &actions)
                absentVisitors.insert(machine.visitor)
                recovery.active += 1
            } else {
                waiting.append(machine)
                if machine.wireState == .queued { absentVisitors.insert(machine.visitor) }
            }
        }
        // Each goes back with the ticket it had: the queue order is what it was (ROUTE-3, ROUTE-9).
        // A record without one (never placed) goes to the back, by arrival.
        for machine in waiting {
            _ = router.enqueue(
                machine.id, team: machine.team, priority: machine.priority, tags: machine.tags, restoring: machine.queueTicket, now: now)
        }
        recovery.waiting = waiting.count
        for agent in agents.sorted() { startGrace(agent, now: now, into: &actions) }
        for visitor in absentVisitors.sorted() {
            awaitedVisitors.insert(visitor)
            actions.append(.armTimer(LiveChatTimer(
                deadline: now.adding(milliseconds: absentVisitorGraceMs), kind: .absentVisitor(visitor: visitor))))
        }
        let prefix = configuration.conversationPrefix
        let numbers = ([state.newestConversation].compactMap { $0 } + state.conversations.map(\.id)).compactMap { id in
            id.hasPrefix(prefix) ? UInt64(id.dropFirst(prefix.count)) : nil
        }
        nextConversation = max(nextConversation, (numbers.max() ?? 0) + 1)
        schedulePositions(now: now, into: &actions)
        return (recovery, actions)
    }
}
