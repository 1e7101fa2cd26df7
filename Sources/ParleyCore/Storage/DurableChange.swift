import ParleyWire

/// One change that must be durable before anything that depends on it is observable
/// (STORE-1): the live-chat core returns them as ``LiveChatAction/persist(_:)`` actions, and the
/// server hands each input's to its store as one batch.
///
/// A store applies them in order. Each is idempotent — a record replaces the earlier one, an
/// event is keyed by its conversation and `cseq` — so a batch written again after a failed
/// write leaves the same state (STORE-4).
public enum DurableChange: Sendable, Hashable {
    /// A conversation's record after a change: its state, team, agent, members, read markers,
    /// rating and properties. It replaces the earlier record of the same id.
    case conversation(ConversationMachine)
    /// An event appended to a conversation's history (its `cseq` is one more than the last).
    case event(ChatEvent)
    /// The conversation ended and its reopen window passed: the core no longer holds it, and
    /// reads it from the store's final record from now on (CONV-34).
    case archived(conversation: String)
    /// The host added a team, or changed its default concurrency limit (ROUTE-16).
    case team(id: String, defaultMaxConcurrent: Int)
    /// The host removed a team; its agents and conversations moved to `movedTo` (ROUTE-18).
    case teamRemoved(id: String, movedTo: String)
    /// The host registered an agent or changed their profile (ROUTE-16).
    case agent(id: String, AgentProfile)
    /// The host removed an agent (ROUTE-16).
    case agentRemoved(id: String)
    /// The host erased everything of one visitor (a privacy request, STORE-8): every
    /// conversation they created, with its events, archived or not.
    case visitorErased(String)
}
