import ParleyCore
import ParleyServer
import ParleyWire

/// Everything a store answers, in a comparable form: what it recovers, every archived
/// conversation with its history, and what the script's searches find.
struct StoreSnapshot: Hashable, CustomStringConvertible {
    var recovered: RecoveredState
    var archived: [ConversationMachine]
    var histories: [String: [ChatEvent]]
    var found: [[ChatEvent]]

    /// The searches a snapshot runs.
    static let searches = [
        TranscriptQuery(words: ["parcel"], teams: ["sales", "support"], limit: 50),
        TranscriptQuery(words: ["refund"], teams: ["support"], limit: 50),
    ]

    /// What `store` answers now.
    init(of store: any DurableStore) async throws {
        recovered = try await store.recover().normalized
        archived = try await store.load(.state(nil)).records
        histories = [:]
        for record in archived { histories[record.id] = try await store.load(.conversation(record.id)).events }
        found = []
        for query in Self.searches { found.append(try await store.search(query)) }
    }

    /// What `contents` answers (the reference).
    init(of contents: StoreContents) {
        recovered = contents.recovered.normalized
        archived = contents.answer(.state(nil)).records
        histories = Dictionary(uniqueKeysWithValues: archived.map { ($0.id, contents.answer(.conversation($0.id)).events) })
        found = Self.searches.map(contents.search)
    }

    var description: String {
        "conversations \(recovered.conversations.map(\.id)), events \(recovered.events.count), archived \(archived.map(\.id)), "
            + "found \(found.map { $0.map { "\($0.conversation)#\($0.cseq)" } })"
    }
}

extension RecoveredState {
    /// The same state with its conversations by id and its events by conversation and cseq.
    var normalized: RecoveredState {
        var state = self
        state.conversations.sort { $0.id < $1.id }
        state.events.sort { ($0.conversation, $0.cseq) < ($1.conversation, $1.cseq) }
        return state
    }
}

extension ChatEvent {
    /// `conversation#cseq`, for messages.
    var key: String { "\(wire.conversation)#\(wire.cseq)" }
}
