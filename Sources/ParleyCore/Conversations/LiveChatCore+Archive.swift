import ParleyWire

/// Conversations that left memory for the host's store (``LiveChatConfiguration/keepsArchive``
/// off): a command that needs them runs between ``restore(_:)`` and ``forgetRestored()``,
/// reading them as archived conversations (CONV-34, STORE-5).
extension LiveChatCore {
    /// Whether a command naming conversation `id` needs it read back from the store first: the
    /// archive is not kept in memory and the conversation is not there.
    public func needsArchive(_ id: String) -> Bool {
        !configuration.keepsArchive && conversation(id) == nil
    }

    /// Makes the conversations a store answered readable as archived ones (read-only, CONV-34)
    /// until ``forgetRestored()``; one already in memory is left as it is.
    public mutating func restore(_ archived: ArchivedConversations) {
        for record in archived.records where conversation(record.id) == nil {
            store.setState(record.wireState, of: record.id)
            store.archive(record)
            restored.append(record.id)
        }
        let ids = Set(restored)
        for event in archived.events where ids.contains(event.conversation) { store.append(event) }
    }

    /// Forgets what ``restore(_:)`` made readable: memory holds no archive again.
    public mutating func forgetRestored() {
        for id in restored { store.forget(id) }
        restored.removeAll()
    }
}
