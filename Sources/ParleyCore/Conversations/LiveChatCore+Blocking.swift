/// What blocking a visitor asks of the conversations (ABUSE-8, ABUSE-9).
extension LiveChatCore {
    /// Whether `actor` sees at least one conversation of `visitor`, open or closed (CONV-30):
    /// the condition for blocking them (ABUSE-8).
    public func sees(visitor: String, _ actor: ChatIdentity) -> Bool {
        machines.values.contains { $0.visitor == visitor && isVisible($0, to: actor) }
    }

    /// Closes every open conversation of `visitor` with reason `blocked`, `actor` as the sender
    /// of the `closed` event; agents' capacity is freed as for any close (ROUTE-7).
    public mutating func closeBlocked(_ visitor: String, by actor: ChatIdentity, now: Instant) -> [LiveChatAction] {
        system(now) { core, actions in
            for id in core.openByVisitor[visitor, default: []].sorted() {
                // The visitor's visibility: the blocking staff member may not see every one of them.
                _ = core.transition(id, actor: ChatIdentity(user: visitor, role: .visitor), now: now, into: &actions) { machine in
                    machine.close(by: actor, reason: .blocked, now: now)
                }
            }
        }
    }
}
