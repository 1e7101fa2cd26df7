import ParleyWire

/// What a store gives back when the server starts (STORE-6): the teams and agents the host
/// set, every conversation not yet archived with its whole history, and the newest
/// conversation ever created, so that no id is given out twice. ``LiveChatCore/recover(_:absentVisitorGraceMs:now:)``
/// rebuilds queues, routing and timers from it.
public struct RecoveredState: Sendable, Hashable {
    /// The teams, with their default concurrency limit.
    public var teams: [String: Int]
    /// The agents registered by the host or a supervisor, with their profile.
    public var agents: [String: AgentProfile]
    /// The conversations not archived: open ones, and ended ones within their reopen window.
    public var conversations: [ConversationMachine]
    /// The events of those conversations, in any order.
    public var events: [ChatEvent]
    /// The id of the conversation whose `created` event was written last, if any.
    public var newestConversation: String?

    /// A state with these parts.
    public init(
        teams: [String: Int] = [:], agents: [String: AgentProfile] = [:], conversations: [ConversationMachine] = [],
        events: [ChatEvent] = [], newestConversation: String? = nil
    ) {
        self.teams = teams
        self.agents = agents
        self.conversations = conversations
        self.events = events
        self.newestConversation = newestConversation
    }
}

/// What ``LiveChatCore/recover(_:absentVisitorGraceMs:now:)`` rebuilt, for a server's
/// start-up report.
public struct Recovery: Sendable, Hashable {
    /// Conversations back in memory (open ones and those within their reopen window).
    public var conversations = 0
    /// Of those, waiting in a queue (queued or offline).
    public var waiting = 0
    /// Of those, assigned to an agent.
    public var active = 0
    /// Events read back.
    public var events = 0

    /// Nothing recovered.
    public init() {}
}
