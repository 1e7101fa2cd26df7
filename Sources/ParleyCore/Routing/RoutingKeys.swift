/// The order of a waiting conversation in its team's queue: higher priority first, then the
/// smaller ticket (earlier arrival, or a front-of-queue re-route) first (ROUTE-3, ROUTE-9).
struct QueueKey: Comparable, Sendable {
    /// Routing priority; higher is served first.
    var priority: UInt32
    /// Arrival order; negative tickets are front-of-queue re-entries.
    var ticket: Int64

    static func < (lhs: QueueKey, rhs: QueueKey) -> Bool {
        lhs.priority != rhs.priority ? lhs.priority > rhs.priority : lhs.ticket < rhs.ticket
    }
}

/// The order of available agents: least loaded first, then longest idle, then registration
/// order, so that the choice is deterministic (ROUTE-4).
struct AgentKey: Comparable, Sendable {
    /// Active conversations assigned to the agent.
    var load: Int
    /// When the agent was last given a conversation or last became accepting.
    var idleSince: Instant
    /// The agent's registration slot.
    var handle: Int

    static func < (lhs: AgentKey, rhs: AgentKey) -> Bool {
        if lhs.load != rhs.load { return lhs.load < rhs.load }
        if lhs.idleSince != rhs.idleSince { return lhs.idleSince < rhs.idleSince }
        return lhs.handle < rhs.handle
    }
}
