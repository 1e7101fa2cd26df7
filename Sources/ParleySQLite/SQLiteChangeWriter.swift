import Foundation
import GRDB
import ParleyCore

/// Applies ``DurableChange``s to the tables inside a write transaction, as the table "Applying
/// changes" of Spec/storage.md says, with statements SQLite keeps compiled between writes.
struct SQLiteChangeWriter {
    private let db: Database
    private let encoder: JSONEncoder

    /// A writer for the transaction of `db`.
    init(_ db: Database) {
        self.db = db
        encoder = JSONEncoder()
    }

    /// Applies one change.
    func apply(_ change: DurableChange) throws {
        switch change {
        case .conversation(let machine):
            let record = String(decoding: try encoder.encode(machine), as: UTF8.self)
            try run(Self.upsertConversation, [
                machine.id, machine.visitor, machine.team, machine.wireState.jsonName, machine.agent ?? machine.lastAgent,
                machine.createdAt.rawValue.sqlInteger, machine.endedAt?.rawValue.sqlInteger, machine.lastCseq.sqlInteger, record,
            ])
        case .event(let event):
            try run(Self.upsertEvent, [
                event.conversation, event.cseq.sqlInteger, event.kind.jsonName, event.time.sqlInteger, event.audience.storedName,
                event.text, String(decoding: event.storedBody, as: UTF8.self),
            ])
            if event.kind == .created { try run(Self.setNewest, [event.conversation]) }
        case .archived(let conversation):
            try run("UPDATE conversations SET archived = 1 WHERE id = ?", [conversation])
        case .team(let id, let defaultMaxConcurrent):
            try run(Self.upsertTeam, [id, defaultMaxConcurrent])
        case .teamRemoved(let id, _):
            try run("DELETE FROM teams WHERE id = ?", [id])
        case .agent(let id, let profile):
            try run(Self.upsertAgent, [id, String(decoding: try encoder.encode(profile), as: UTF8.self)])
        case .agentRemoved(let id):
            try run("DELETE FROM agents WHERE id = ?", [id])
        case .visitorErased(let visitor):
            try run("DELETE FROM events WHERE conversation IN (SELECT id FROM conversations WHERE visitor = ?)", [visitor])
            try run("DELETE FROM conversations WHERE visitor = ?", [visitor])
        }
    }

    private func run(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Every column but `archived`, which an update keeps.
    static let upsertConversation = """
        INSERT INTO conversations (id, visitor, team, state, agent, created_at, ended_at, last_cseq, record)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET visitor = excluded.visitor, team = excluded.team, state = excluded.state,
            agent = excluded.agent, created_at = excluded.created_at, ended_at = excluded.ended_at,
            last_cseq = excluded.last_cseq, record = excluded.record
        """

    /// Replaces a different event of the same key (an update, so the search index's trigger sees
    /// it); the same event written again changes nothing.
    static let upsertEvent = """
        INSERT INTO events (conversation, cseq, kind, at, audience, text, body) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (conversation, cseq) DO UPDATE SET kind = excluded.kind, at = excluded.at,
            audience = excluded.audience, text = excluded.text, body = excluded.body
        WHERE body IS NOT excluded.body OR audience IS NOT excluded.audience
        """

    static let setNewest = """
        INSERT INTO parley_meta (key, value) VALUES ('newest_conversation', ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value
        """

    static let upsertTeam = """
        INSERT INTO teams (id, default_max_concurrent) VALUES (?, ?)
        ON CONFLICT (id) DO UPDATE SET default_max_concurrent = excluded.default_max_concurrent
        """

    static let upsertAgent = """
        INSERT INTO agents (id, profile) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET profile = excluded.profile
        """
}
