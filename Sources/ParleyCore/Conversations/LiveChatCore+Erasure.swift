import ParleyWire

/// What erasing a visitor's data removed (STORE-8).
public struct Erasure: Sendable, Hashable {
    /// The conversations removed, in id order.
    public var conversations: [String] = []
    /// How many events they held.
    public var events: UInt64 = 0

    /// Nothing removed.
    public init() {}
}

/// Erasing a visitor's data, at a supervisor's `eraseVisitor` (CONV-37) or the host's call
/// (STORE-8).
///
/// ```swift
/// let outcome = core.eraseVisitor("v-42", from: supervisor, now: now)
/// if case .success(.erased(let erasure)) = outcome.result { print(erasure.conversations) }
/// ```
///
/// With a store and no archive in memory, the host first reads the visitor's archived
/// conversations (``ArchiveQuery/visitor(_:)``) and makes them readable with
/// ``restore(_:)``: the erasure counts them with those in memory.
extension LiveChatCore {
    /// Whether `actor` may erase a visitor's data: supervisors only (CONV-37). A server asks
    /// before reading the store, so a refused command reads nothing.
    public func mayErase(_ actor: ChatIdentity) -> Bool { actor.role == .supervisor }

    /// A supervisor's `eraseVisitor` (CONV-37): ``eraseVisitor(_:now:)`` answered as a command,
    /// `FORBIDDEN` for anyone else. A visitor with nothing to remove is answered with an empty
    /// ``Erasure``, not an error.
    public mutating func eraseVisitor(_ visitor: String, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        guard mayErase(actor) else {
            return LiveChatOutcome(
                result: .failure(CommandError(.forbidden, "CONV-37", "only supervisors erase a visitor's data")), actions: [])
        }
        let (erasure, actions) = eraseVisitor(visitor, now: now)
        return LiveChatOutcome(result: .success(.erased(erasure)), actions: actions)
    }

    /// Erases everything of `visitor` the core holds (a privacy request, STORE-8): every
    /// conversation they created, open or ended, with its history, and the archived ones a store
    /// answered (``restore(_:)``). Open ones leave their queue or free their agent at once (which
    /// may route the next waiting conversation, ROUTE-7). The store is told by one
    /// ``DurableChange/visitorErased(_:)``, which also removes what only the store holds.
    ///
    /// - Returns: what was removed, each conversation once, and the actions to carry out.
    public mutating func eraseVisitor(_ visitor: String, now: Instant) -> (erasure: Erasure, actions: [LiveChatAction]) {
        var erasure = Erasure()
        let actions = system(now) { core, actions in
            let inMemory = core.machines.values.filter { $0.visitor == visitor }.map(\.id)
            let readBack = core.restored.filter { core.store.archived($0)?.visitor == visitor }
            for id in Set(inMemory + readBack + core.store.conversations(ofVisitor: visitor)).sorted() {
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
