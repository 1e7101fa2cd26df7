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

    /// Applies `changes` in order. Records and events between two other changes touch rows no
    /// other change of that stretch touches (records are coalesced first), so each stretch is
    /// written as one statement for its records and one for its events: two round trips for a
    /// whole group of messages instead of two per message.
    func apply(_ changes: [DurableChange]) async throws {
        var records: [ConversationMachine] = []
        var events: [ChatEvent] = []
        for change in changes {
            switch change {
            case .conversation(let machine): records.append(machine)
            case .event(let event): events.append(event)
            default:
                try await write(records, events)
                records.removeAll()
                events.removeAll()
                for statement in try statements(for: change) { try await run(statement) }
            }
        }
        try await write(records, events)
    }

    /// The statements of a change other than a record or an event (those are written in bulk,
    /// by ``write(_:_:)``, and have none here).
    private func statements(for change: DurableChange) throws -> [PostgresQuery] {
        switch change {
        case .conversation, .event:
            return []
        case .archived(let conversation):
            return ["UPDATE conversations SET archived = true WHERE id = \(conversation)"]
        case .team(let id, let defaultMaxConcurrent):
            return ["""
                INSERT INTO teams (id, default_max_concurrent) VALUES (\(id), \(Int32(clamping: defaultMaxConcurrent)))
                ON CONFLICT (id) DO UPDATE SET default_max_concurrent = excluded.default_max_concurrent
                """]
        case .teamRemoved(let id, _):
            return ["DELETE FROM teams WHERE id = \(id)"]
        case .agent(let id, let profile):
            let json = String(decoding: try encoder.encode(profile), as: UTF8.self)
            return ["INSERT INTO agents (id, profile) VALUES (\(id), \(json)) ON CONFLICT (id) DO UPDATE SET profile = excluded.profile"]
        case .agentRemoved(let id):
            return ["DELETE FROM agents WHERE id = \(id)"]
        case .visitorErased(let visitor):
            return [
                "DELETE FROM events WHERE conversation IN (SELECT id FROM conversations WHERE visitor = \(visitor))",
                "DELETE FROM conversations WHERE visitor = \(visitor)",
            ]
        }
    }

    /// Upserts the records' rows (every column but `archived`, which an update keeps) and
    /// inserts the events (replacing a different one of the same key; the same event written
    /// again changes nothing), each set as one statement over arrays; the last `created` event
    /// sets `newest_conversation`. Optional values travel as a value and a presence flag.
    private func write(_ records: [ConversationMachine], _ events: [ChatEvent]) async throws {
        if !records.isEmpty {
            let json = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            let agents = records.map { $0.agent ?? $0.lastAgent }
            let ended = records.map { $0.endedAt?.rawValue.sqlInteger }
            try await run("""
                INSERT INTO conversations (id, visitor, team, state, agent, created_at, ended_at, last_cseq, record)
                SELECT id, visitor, team, state, CASE WHEN has_agent THEN agent END, created_at,
                    CASE WHEN has_ended THEN ended_at END, last_cseq, record
                FROM unnest(\(records.map(\.id)), \(records.map(\.visitor)), \(records.map(\.team)),
                    \(records.map(\.wireState.jsonName)), \(agents.map { $0 ?? "" }), \(agents.map { $0 != nil }),
                    \(records.map(\.createdAt.rawValue.sqlInteger)), \(ended.map { $0 ?? 0 }), \(ended.map { $0 != nil }),
                    \(records.map(\.lastCseq.sqlInteger)), \(json))
                    AS r(id, visitor, team, state, agent, has_agent, created_at, ended_at, has_ended, last_cseq, record)
                ON CONFLICT (id) DO UPDATE SET visitor = excluded.visitor, team = excluded.team, state = excluded.state,
                    agent = excluded.agent, created_at = excluded.created_at, ended_at = excluded.ended_at,
                    last_cseq = excluded.last_cseq, record = excluded.record
                """)
        }
        guard !events.isEmpty else { return }
        let bodies = events.map { String(decoding: $0.storedBody, as: UTF8.self) }
        try await run("""
            INSERT INTO events (conversation, cseq, kind, at, audience, text, body)
            SELECT conversation, cseq, kind, at, audience, CASE WHEN has_text THEN text END, body
            FROM unnest(\(events.map(\.conversation)), \(events.map(\.cseq.sqlInteger)), \(events.map(\.kind.jsonName)),
                \(events.map(\.time.sqlInteger)), \(events.map(\.audience.storedName)), \(events.map { $0.text ?? "" }),
                \(events.map { $0.text != nil }), \(bodies))
                AS e(conversation, cseq, kind, at, audience, text, has_text, body)
            ON CONFLICT (conversation, cseq) DO UPDATE SET kind = excluded.kind, at = excluded.at,
                audience = excluded.audience, text = excluded.text, body = excluded.body
            WHERE events.body IS DISTINCT FROM excluded.body OR events.audience IS DISTINCT FROM excluded.audience
            """)
        if let created = events.last(where: { $0.kind == .created }) {
            try await run("""
                INSERT INTO parley_meta (key, value) VALUES ('newest_conversation', \(created.conversation))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """)
        }
    }

    private func run(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }
}
