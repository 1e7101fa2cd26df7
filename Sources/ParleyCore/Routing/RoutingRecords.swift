import ParleyWire

/// What the router knows about one agent.
struct AgentRecord: Sendable {
    var id: String
    /// Team slots the agent belongs to.
    var teams: [Int]
    var skills: Set<String>
    /// The agent's own concurrency limit; `nil` uses their cap, else the teams' default (ROUTE-5).
    var ownLimit: Int?
    /// The cap their credentials or a supervisor set: their default limit and the most their
    /// own limit counts for (ROUTE-5, ROUTE-14).
    var cap: Int?
    var status: RoutingStatus = .offline
    /// False between a disconnect and the end of its grace period or a reconnect (ROUTE-10).
    var connected = true
    var load = 0
    var idleSince: Instant
    /// Slot of the pool the agent sits in, per team, while available.
    var pools: [Int] = []
}

/// One waiting conversation in the router's queues. The router keeps nothing of a conversation
/// once it is assigned: who handles it is its record's fact (``ConversationMachine/agent``),
/// and the router only counts the agent's load.
struct ConversationRecord: Sendable {
    var id: String
    var team: Int
    var priority: UInt32
    var tags: Set<String>
    var ticket: Int64
    /// Agents never to be picked for this conversation (ROUTE-9), from ``ConversationRouter/exclusions``.
    var excluded: Set<Int> = []
    /// The slot of its conversation class in the team's queue; `nil` for the moment of a move.
    var classSlot: Int?
    /// The position last reported to the visitor, to push only changes (ROUTE-8).
    var reportedPosition: Int?

    var key: QueueKey { QueueKey(priority: priority, ticket: ticket) }
}

/// Waiting conversations of one team that need the same tags.
struct ConversationClass: Sendable {
    var tags: Set<String>
    var queue = IndexedHeap<QueueKey>()
}

/// Available agents of one team with the same skills.
struct AgentPool: Sendable {
    var skills: Set<String>
    var agents = IndexedHeap<AgentKey>()
}

/// One team: its queue split by needed tags, its available agents split by skills.
struct TeamRecord: Sendable {
    var id: String
    var defaultLimit: Int
    var classes: [ConversationClass] = []
    var pools: [AgentPool] = []
    /// Agents of the team whose routing status is accepting (CONV-7).
    var accepting = 0
    /// Waiting conversations per priority, for O(#priorities) positions on arrival.
    var waitingByPriority: [UInt32: Int] = [:]
}
