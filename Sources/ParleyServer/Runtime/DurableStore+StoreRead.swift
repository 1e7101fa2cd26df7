import ParleyCore

extension DurableStore {
    /// What `read` asks for, as ``ServerCore/loaded(_:_:now:)`` takes it: ``load(_:)``'s archived
    /// conversations (STORE-5), or the events ``search(_:)`` finds (STORE-9): how a host answers
    /// ``ServerOutput/load(_:)``.
    public func answer(_ read: StoreRead) async throws -> ArchivedConversations {
        switch read {
        case .archive(let query): try await load(query)
        case .search(let query): ArchivedConversations(events: try await search(query))
        }
    }
}
