import Foundation
import ParleyCore
import ParleyWire
import PostgresNIO

/// Answers the store's reads from the tables (Spec/storage.md, "Reads").
struct PostgresReader {
    let connection: PostgresConnection
    let logger: Logger
    private let decoder = JSONDecoder()

    /// A reader on `connection`.
    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// The archived conversations `query` asks for: records by id, and the events of the one asked
    /// for by id in cseq order.
    func archived(_ query: ArchiveQuery) async throws -> ArchivedConversations {
        switch query {
        case .conversation(let id):
            let records = try await records("SELECT record FROM conversations WHERE archived AND id = \(id)")
            guard !records.isEmpty else { return ArchivedConversations() }
            let events = try await events("SELECT audience, body FROM events WHERE conversation = \(id) ORDER BY cseq")
            return ArchivedConversations(records: records, events: events)
        case .visitor(let visitor):
            return ArchivedConversations(
                records: try await records("SELECT record FROM conversations WHERE archived AND visitor = \(visitor) ORDER BY id"))
        case .state(let state?):
            return ArchivedConversations(
                records: try await records("SELECT record FROM conversations WHERE archived AND state = \(state.jsonName) ORDER BY id"))
        case .state(nil):
            return ArchivedConversations(records: try await records("SELECT record FROM conversations WHERE archived ORDER BY id"))
        }
    }

    /// What the server starts from: teams, agents, every conversation not archived with all its
    /// events, and the newest conversation.
    func recovered() async throws -> RecoveredState {
        var teams: [String: Int] = [:]
        for try await (id, limit) in try await query("SELECT id, default_max_concurrent FROM teams").decode((String, Int32).self) {
            teams[id] = Int(limit)
        }
        var agents: [String: AgentProfile] = [:]
        for try await (id, profile) in try await query("SELECT id, profile FROM agents").decode((String, String).self) {
            agents[id] = try decoder.decode(AgentProfile.self, from: Data(profile.utf8))
        }
        let newest = try await query("SELECT value FROM parley_meta WHERE key = 'newest_conversation'")
            .decode(String.self).first { _ in true }
        return RecoveredState(
            teams: teams, agents: agents,
            conversations: try await records("SELECT record FROM conversations WHERE NOT archived"),
            events: try await events("""
                SELECT e.audience, e.body FROM events e JOIN conversations c ON c.id = e.conversation WHERE NOT c.archived
                """),
            newestConversation: newest)
    }

    /// The page of messages and notes `query` finds, newest first: every word a whole word of the
    /// text (`to_tsvector('simple', text)`, the GIN index's expression), in a conversation of one
    /// of the teams, older than the cursor.
    func search(_ query: TranscriptQuery) async throws -> [ChatEvent] {
        var sql = PostgresQuery.StringInterpolation(literalCapacity: 512, interpolationCount: 8)
        sql.appendLiteral("SELECT e.audience, e.body FROM events e JOIN conversations c ON c.id = e.conversation WHERE ")
        if query.words.isEmpty {
            sql.appendLiteral("e.text IS NOT NULL")
        } else {
            sql.appendLiteral("to_tsvector('simple', e.text) @@ plainto_tsquery('simple', ")
            sql.appendInterpolation(query.words.joined(separator: " "))
            sql.appendLiteral(")")
        }
        sql.appendLiteral(" AND c.team = ANY(")
        sql.appendInterpolation(query.teams.sorted())
        sql.appendLiteral(") AND e.kind = ANY(")
        sql.appendInterpolation([EventKind.message.jsonName, EventKind.note.jsonName])
        sql.appendLiteral(")")
        if let before = query.before {
            sql.appendLiteral(" AND (e.at, e.conversation, e.cseq) < (")
            sql.appendInterpolation(before.time.sqlInteger)
            sql.appendLiteral(", ")
            sql.appendInterpolation(before.conversation)
            sql.appendLiteral(", ")
            sql.appendInterpolation(before.cseq.sqlInteger)
            sql.appendLiteral(")")
        }
        sql.appendLiteral(" ORDER BY e.at DESC, e.conversation DESC, e.cseq DESC LIMIT ")
        sql.appendInterpolation(Int64(max(0, query.limit)))
        return try await events(PostgresQuery(stringInterpolation: sql))
    }

    private func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }

    private func records(_ sql: PostgresQuery) async throws -> [ConversationMachine] {
        var records: [ConversationMachine] = []
        for try await record in try await query(sql).decode(String.self) {
            records.append(try decoder.decode(ConversationMachine.self, from: Data(record.utf8)))
        }
        return records
    }

    private func events(_ sql: PostgresQuery) async throws -> [ChatEvent] {
        var events: [ChatEvent] = []
        for try await (stored, body) in try await query(sql).decode((String, String).self) {
            events.append(try ChatEvent(storedBody: body, storedAudience: stored))
        }
        return events
    }
}
