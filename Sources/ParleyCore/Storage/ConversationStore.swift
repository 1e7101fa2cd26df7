import ParleyWire

/// Where conversation history lives: append an event, read a range of it, list conversations
/// by state (CONV-28).
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
}
