import Foundation
import ParleyCore
import PostgresNIO

/// Applies ``DurableChange``s inside a write transaction, as the table "Applying changes" of
/// Spec/storage.md says; every value is a bind.
struct PostgresChangeWriter {
    let connection: PostgresConnection
    let logger: Logger
    private let encoder: JSONEncoder

    /// A writer for the open transaction on `connection`.
    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
        encoder = JSONEncoder()
    }

    /// Applies one change.
    func apply(_ change: DurableChange) async throws {
        switch change {
        case .conversation(let machine):
            try await conversation(machine)
        case .event(let event):
            try await self.event(event)
        case .archived(let conversation):
            try await run("UPDATE conversations SET archived = true WHERE id = \(conversation)")
        case .team(let id, let defaultMaxConcurrent):
            try await run("""
                INSERT INTO teams (id, default_max_concurrent) VALUES (\(id), \(Int32(clamping: defaultMaxConcurrent)))
                ON CONFLICT (id) DO UPDATE SET default_max_concurrent = excluded.default_max_concurrent
                """)
        case .teamRemoved(let id, _):
            try await run("DELETE FROM teams WHERE id = \(id)")
        case .agent(let id, let profile):
            let json = String(decoding: try encoder.encode(profile), as: UTF8.self)
            try await run("INSERT INTO agents (id, profile) VALUES (\(id), \(json)) ON CONFLICT (id) DO UPDATE SET profile = excluded.profile")
        case .agentRemoved(let id):
            try await run("DELETE FROM agents WHERE id = \(id)")
        case .visitorErased(let visitor):
            try await run("DELETE FROM events WHERE conversation IN (SELECT id FROM conversations WHERE visitor = \(visitor))")
            try await run("DELETE FROM conversations WHERE visitor = \(visitor)")
        }
    }

    /// Upserts the row: every column but `archived`, which an update keeps.
    private func conversation(_ machine: ConversationMachine) async throws {
        let record = String(decoding: try encoder.encode(machine), as: UTF8.self)
        let agent = machine.agent ?? machine.lastAgent
        try await run("""
            INSERT INTO conversations (id, visitor, team, state, agent, created_at, ended_at, last_cseq, record)
            VALUES (\(machine.id), \(machine.visitor), \(machine.team), \(machine.wireState.jsonName), \(agent),
                \(machine.createdAt.rawValue.sqlInteger), \(machine.endedAt?.rawValue.sqlInteger), \(machine.lastCseq.sqlInteger), \(record))
            ON CONFLICT (id) DO UPDATE SET visitor = excluded.visitor, team = excluded.team, state = excluded.state,
                agent = excluded.agent, created_at = excluded.created_at, ended_at = excluded.ended_at,
                last_cseq = excluded.last_cseq, record = excluded.record
            """)
    }

    /// Inserts the event, replacing a different one of the same key; the same event written
    /// again changes nothing. A `created` event sets `newest_conversation`.
    private func event(_ event: ChatEvent) async throws {
        let body = String(decoding: event.storedBody, as: UTF8.self)
        try await run("""
            INSERT INTO events (conversation, cseq, kind, at, audience, text, body)
            VALUES (\(event.conversation), \(event.cseq.sqlInteger), \(event.kind.jsonName), \(event.time.sqlInteger),
                \(event.audience.storedName), \(event.text), \(body))
            ON CONFLICT (conversation, cseq) DO UPDATE SET kind = excluded.kind, at = excluded.at,
                audience = excluded.audience, text = excluded.text, body = excluded.body
            WHERE events.body IS DISTINCT FROM excluded.body OR events.audience IS DISTINCT FROM excluded.audience
            """)
        if event.kind == .created {
            try await run("""
                INSERT INTO parley_meta (key, value) VALUES ('newest_conversation', \(event.conversation))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """)
        }
    }

    private func run(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }
}
