import Foundation
import GRDB
import ParleyCore
import ParleyWire

/// Answers the store's reads from the tables (Spec/storage.md, "Reads").
struct SQLiteReader {
    private let db: Database
    private let decoder = JSONDecoder()

    /// A reader on `db`.
    init(_ db: Database) { self.db = db }

    /// The archived conversations `query` asks for: records by id, and the events of the one asked
    /// for by id in cseq order.
    func archived(_ query: ArchiveQuery) throws -> ArchivedConversations {
        let archived = "SELECT record FROM conversations WHERE archived = 1"
        switch query {
        case .conversation(let id):
            let records = try records("\(archived) AND id = ?", [id])
            guard !records.isEmpty else { return ArchivedConversations() }
            let events = try events("SELECT audience, body FROM events WHERE conversation = ? ORDER BY cseq", [id])
            return ArchivedConversations(records: records, events: events)
        case .visitor(let visitor):
            return ArchivedConversations(records: try records("\(archived) AND visitor = ? ORDER BY id", [visitor]))
        case .state(let state?):
            return ArchivedConversations(records: try records("\(archived) AND state = ? ORDER BY id", [state.jsonName]))
        case .state(nil):
            return ArchivedConversations(records: try records("\(archived) ORDER BY id", []))
        }
    }

    /// What the server starts from: teams, agents, every conversation not archived with all its
    /// events, and the newest conversation.
    func recovered() throws -> RecoveredState {
        var teams: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, default_max_concurrent FROM teams") { teams[row[0] as String] = row[1] as Int }
        var agents: [String: AgentProfile] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, profile FROM agents") {
            agents[row[0] as String] = try decoder.decode(AgentProfile.self, from: Data((row[1] as String).utf8))
        }
        return RecoveredState(
            teams: teams, agents: agents,
            conversations: try records("SELECT record FROM conversations WHERE archived = 0", []),
            events: try events("""
                SELECT e.audience, e.body FROM events e JOIN conversations c ON c.id = e.conversation WHERE c.archived = 0
                """, []),
            newestConversation: try String.fetchOne(db, sql: "SELECT value FROM parley_meta WHERE key = 'newest_conversation'"))
    }

    /// The page of messages and notes `query` finds, newest first: every word a whole token of
    /// the text (FTS5), in a conversation of one of the teams, older than the cursor.
    func search(_ query: TranscriptQuery) throws -> [ChatEvent] {
        var sql = "SELECT e.audience, e.body FROM events e JOIN conversations c ON c.id = e.conversation"
        var arguments: StatementArguments = []
        if query.words.isEmpty {
            sql += " WHERE e.text IS NOT NULL"
        } else {
            sql += " JOIN events_fts ON events_fts.rowid = e.id WHERE events_fts MATCH ?"
            arguments += [Self.match(query.words)]
        }
        sql += " AND c.team IN (SELECT value FROM json_each(?)) AND e.kind IN (?, ?)"
        arguments += [String(decoding: try JSONEncoder().encode(query.teams.sorted()), as: UTF8.self)]
        arguments += [EventKind.message.jsonName, EventKind.note.jsonName]
        if let before = query.before {
            sql += " AND (e.at, e.conversation, e.cseq) < (?, ?, ?)"
            arguments += [before.time.sqlInteger, before.conversation, before.cseq.sqlInteger]
        }
        sql += " ORDER BY e.at DESC, e.conversation DESC, e.cseq DESC LIMIT ?"
        arguments += [max(0, query.limit)]
        return try events(sql, arguments)
    }

    /// An FTS5 query that every word matches as a whole token: each word an FTS5 string, joined
    /// by AND.
    static func match(_ words: [String]) -> String {
        words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " AND ")
    }

    private func records(_ sql: String, _ arguments: StatementArguments) throws -> [ConversationMachine] {
        try String.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { record in
            try decoder.decode(ConversationMachine.self, from: Data(record.utf8))
        }
    }

    private func events(_ sql: String, _ arguments: StatementArguments) throws -> [ChatEvent] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
            try ChatEvent(storedBody: row[1], storedAudience: row[0])
        }
    }
}
