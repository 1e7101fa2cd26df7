import ParleyWire

/// Where conversation history lives: append an event, read a range of it, list conversations
/// by state (CONV-28), and keep the final record of each archived conversation (CONV-34).
///
/// The state machines never see the store; ``LiveChatCore`` appends every event it emits and
/// reads ranges for history and transcripts. A durable implementation persists the same
/// events the core returns as `append` actions.
public protocol ConversationStore {
    /// Appends `event`, whose `cseq` is one more than the conversation's last.
    mutating func append(_ event: ChatEvent)
    /// The events of `conversation` whose cseq lies in `range`, ascending.
    func events(of conversation: String, in range: ClosedRange<UInt64>) -> [ChatEvent]
    /// Records the conversation's current lifecycle state.
    mutating func setState(_ state: ConversationState, of conversation: String)
    /// The ids of the conversations in `state`, in ascending id order.
    func conversations(in state: ConversationState) -> [String]
    /// The ids of the conversations `visitor` created (their `created` event's sender), so
    /// that a visitor's `list` reads only theirs (CONV-29, CONV-34).
    func conversations(ofVisitor visitor: String) -> [String]
    /// Keeps the final record of a conversation that ended and whose reopen window passed: the
    /// core forgets it and serves `list`, `history` and `transcript` from here (CONV-34).
    mutating func archive(_ conversation: ConversationMachine)
    /// The archived record of `conversation`, if it was archived.
    func archived(_ conversation: String) -> ConversationMachine?
    /// Forgets everything of `conversation` — record, history, indexes — once a durable store
    /// holds it (``LiveChatConfiguration/keepsArchive`` off).
    mutating func forget(_ conversation: String)
}
