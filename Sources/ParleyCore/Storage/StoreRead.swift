/// What the server asks its store to read while a command waits (``LiveChatConfiguration/keepsArchive``
/// off): archived conversations (CONV-34, STORE-5), or a staff search over every conversation's
/// events (CONV-36, STORE-9). The answer is an ``ArchivedConversations`` either way; a search's
/// holds only the ``ArchivedConversations/events`` found, newest first.
public enum StoreRead: Sendable, Hashable {
    /// Archived conversations: a `DurableStore`'s `load`.
    case archive(ArchiveQuery)
    /// The events a search finds: a `DurableStore`'s `search`.
    case search(TranscriptQuery)
}
