import ParleyWire

/// What the server asks its store for when a command needs conversations that have left memory
/// (CONV-34, STORE-5): the host answers with the ``ArchivedConversations`` that match.
public enum ArchiveQuery: Sendable, Hashable {
    /// One conversation's final record and its whole history, if it was archived.
    case conversation(String)
    /// The final records of the archived conversations `visitor` created (their history not needed).
    case visitor(String)
    /// The final records of the archived conversations in this state, or in any (closed and
    /// abandoned ones are the only states an archived conversation has).
    case state(ConversationState?)
}

/// A store's answer to an ``ArchiveQuery``: final records, and the events of the conversation
/// asked for by id, in cseq order from 1.
public struct ArchivedConversations: Sendable {
    /// The archived conversations' final records.
    public var records: [ConversationMachine]
    /// Their events (only for ``ArchiveQuery/conversation(_:)``), in cseq order from 1.
    public var events: [ChatEvent]

    /// An answer with these records and events.
    public init(records: [ConversationMachine] = [], events: [ChatEvent] = []) {
        self.records = records
        self.events = events
    }
}
