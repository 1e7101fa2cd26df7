import ParleyWire

/// Waiting for an agent in a team's queue (CONV-4).
struct QueuedState: Hashable, Sendable, Codable {
    /// When it (last) entered the queue.
    var since: Instant
}

/// Created while no agent of the team accepted chats: the visitor's message waits for the
/// next agent (CONV-7).
struct OfflineState: Hashable, Sendable, Codable {
    /// When it was created.
    var since: Instant
}

/// Assigned to an agent (CONV-5).
struct ActiveState: Hashable, Sendable, Codable {
    /// The assigned agent.
    var agent: String
    /// When this assignment was made.
    var assignedAt: Instant
    /// Counts assignments of this conversation, so a timer armed for an earlier one is ignored.
    var assignment: UInt64
    /// Whether the assigned agent has written since this assignment (ROUTE-9).
    var answered = false
    /// The last message or note, for the inactivity timeout (CONV-22).
    var lastActivity: Instant
    /// Staff who joined besides the assigned agent, with how (CONV-18).
    var members = JoinedStaff()

    /// The state entered when `agent` takes the conversation.
    init(agent: String, now: Instant, assignment: UInt64) {
        self.agent = agent
        assignedAt = now
        self.assignment = assignment
        lastActivity = now
    }
}

/// Closed, by whom and why (CONV-6).
struct ClosedState: Hashable, Sendable, Codable {
    /// When it closed.
    var at: Instant
    /// Who closed it; `nil` for the system (inactivity).
    var by: String?
    /// Why.
    var reason: CloseReason
    /// The agent assigned when it closed, preferred on reopen (CONV-9).
    var lastAgent: String?
}

/// The visitor left while queued (CONV-8).
struct AbandonedState: Hashable, Sendable, Codable {
    /// When the visitor left.
    var at: Instant
}
