import ParleyWire

/// What a store holds after applying the server's ``DurableChange``s, as plain values: the
/// conversations' records and events, which ones are archived, the teams and agents the host
/// set. It answers the server's ``StoreRead``s (STORE-5, STORE-9). A store in memory, a test or the
/// simulator keeps one; a database store keeps the same facts in its tables.
public struct StoreContents: Sendable {
    /// Each conversation's latest record.
    public private(set) var records: [String: ConversationMachine] = [:]
    /// Each conversation's events, by cseq.
    public private(set) var events: [String: [UInt64: ChatEvent]] = [:]
    /// The conversations archived (out of the server's memory, CONV-34).
    public private(set) var archived: Set<String> = []
    /// The teams the host added, with their default concurrency limit.
    public private(set) var teams: [String: Int] = [:]
    /// The agents the host (or a supervisor) registered, with their profile.
    public private(set) var agents: [String: AgentProfile] = [:]
    /// The conversation whose `created` event was applied last (STORE-6).
    public private(set) var newestConversation: String?

    /// An empty store.
    public init() {}

    /// Applies `changes` in order; applying them again changes nothing (STORE-4).
    public mutating func apply(_ changes: [DurableChange]) {
        for change in changes {
            switch change {
            case .conversation(let machine): records[machine.id] = machine
            case .event(let event):
                events[event.conversation, default: [:]][event.cseq] = event
                if event.kind == .created { newestConversation = event.conversation }
            case .archived(let conversation): archived.insert(conversation)
            case .team(let id, let defaultMaxConcurrent): teams[id] = defaultMaxConcurrent
            case .teamRemoved(let id, _): teams[id] = nil
            case .agent(let id, let profile): agents[id] = profile
            case .agentRemoved(let id): agents[id] = nil
            case .visitorErased(let visitor):
                for record in records.values where record.visitor == visitor {
                    records[record.id] = nil
                    events[record.id] = nil
                    archived.remove(record.id)
                }
            }
        }
    }

    /// Whether event `cseq` of `conversation` is held.
    public func holds(_ conversation: String, cseq: UInt64) -> Bool { events[conversation]?[cseq] != nil }

    /// The archived conversations `query` asks for: records in id order, and the events of the
    /// one asked for by id in cseq order.
    public func answer(_ query: ArchiveQuery) -> ArchivedConversations {
        switch query {
        case .conversation(let id):
            guard archived.contains(id), let record = records[id] else { return ArchivedConversations() }
            let history = (events[id] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
            return ArchivedConversations(records: [record], events: history)
        case .visitor(let visitor):
            return ArchivedConversations(records: archivedRecords { $0.visitor == visitor })
        case .state(let state):
            return ArchivedConversations(records: archivedRecords { state == nil || $0.wireState == state })
        }
    }

    /// What `read` asks for: the archived conversations an ``ArchiveQuery`` names, or the
    /// events ``search(_:)`` finds for a search.
    public func answer(_ read: StoreRead) -> ArchivedConversations {
        switch read {
        case .archive(let query): answer(query)
        case .search(let query): ArchivedConversations(events: search(query))
        }
    }

    /// Removes the archived conversations that ended before `cutoff`, with their events
    /// (STORE-7), and says how many.
    public mutating func purge(endedBefore cutoff: Instant) -> Int {
        let due = archived.filter { records[$0].flatMap(\.endedAt).map { $0 < cutoff } ?? false }
        for id in due {
            records[id] = nil
            events[id] = nil
            archived.remove(id)
        }
        return due.count
    }

    /// The page of events `query` finds (STORE-9), newest first, by scanning every event.
    public func search(_ query: TranscriptQuery) -> [ChatEvent] {
        var found: [ChatEvent] = []
        for (id, history) in events {
            guard let team = records[id]?.team else { continue }
            for event in history.values where query.matches(event, team: team) { found.append(event) }
        }
        return query.page(of: found)
    }

    /// What the server starts from (STORE-6): every conversation not archived, with its history.
    public var recovered: RecoveredState {
        let live = records.values.filter { !archived.contains($0.id) }
        return RecoveredState(
            teams: teams, agents: agents, conversations: live,
            events: live.flatMap { (events[$0.id] ?? [:]).values }, newestConversation: newestConversation)
    }

    private func archivedRecords(_ include: (ConversationMachine) -> Bool) -> [ConversationMachine] {
        archived.sorted().compactMap { records[$0] }.filter(include)
    }
}
