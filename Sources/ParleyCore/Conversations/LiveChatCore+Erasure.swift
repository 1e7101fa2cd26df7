import ParleyWire

/// What erasing a visitor's data removed (STORE-8).
public struct Erasure: Sendable, Hashable {
    /// The conversations removed, in id order.
    public var conversations: [String] = []
    /// How many events they held.
    public var events: UInt64 = 0

    /// Nothing removed.
    public init() {}

    /// Adds the conversations of `other` not counted yet.
    public mutating func add(_ other: Erasure) {
        conversations = Array(Set(conversations).union(other.conversations)).sorted()
        events += other.events
    }
}

extension LiveChatCore {
    /// Erases everything of `visitor` the core holds (a privacy request, STORE-8): every
    /// conversation they created, open or ended, with its history. Open ones leave their queue
    /// or free their agent at once (which may route the next waiting conversation, ROUTE-7).
    /// The store is told by one ``DurableChange/visitorErased(_:)``, which also removes what
    /// only the store holds.
    ///
    /// - Returns: what was removed from memory, and the actions to carry out.
    public mutating func eraseVisitor(_ visitor: String, now: Instant) -> (erasure: Erasure, actions: [LiveChatAction]) {
        var erasure = Erasure()
        let actions = system(now) { core, actions in
            let inMemory = core.machines.values.filter { $0.visitor == visitor }.map(\.id)
            for id in Set(inMemory + core.store.conversations(ofVisitor: visitor)).sorted() {
                erasure.conversations.append(id)
                erasure.events += (core.machines[id] ?? core.store.archived(id))?.lastCseq ?? 0
                core.forgetEntirely(id, now: now, into: &actions)
            }
            actions.append(.persist(.visitorErased(visitor)))
        }
        return (erasure, actions)
    }

    /// Removes a conversation from memory, the router and every index, freeing its agent.
    private mutating func forgetEntirely(_ id: String, now: Instant, into actions: inout [LiveChatAction]) {
        if let machine = machines.removeValue(forKey: id) {
            apply(router.remove(id, releasing: machine.agent, now: now), now: now, into: &actions)
            Self.remove(id, from: machine.visitor, in: &openByVisitor)
            Self.remove(id, from: machine.team, in: &inMemoryByTeam)
            if let agent = machine.agent { Self.remove(id, from: agent, in: &activeByAgent) }
            inactivityArmed.remove(id)
        }
        store.forget(id)
    }
}
