/// Who receives or reads a conversation's events, as far as which of them reach them depends
/// on it (CONV-14, CONV-39). ``ConversationMachine/viewer(_:)`` tells it for an identity.
public enum ChatViewer: Hashable, Sendable {
    /// The conversation's visitor: every event but the staff-only ones.
    case visitor
    /// Staff who are not observers of the conversation: every event.
    case staff
    /// This staff member, an observer of the conversation (CONV-18): every event but the other
    /// observers' `joined` and `left`.
    case observer(String)
}
