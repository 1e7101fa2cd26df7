import Foundation
import ParleyCore
import ParleyServer
import PostgresNIO

/// A `DurableStore` in a PostgreSQL database (Spec/storage.md), on postgres-nio's connection
/// pool (`PostgresClient`).
///
/// The pool works while ``run()`` runs: start it in a task (or a service group) before using the
/// store, and cancel that task to close the connections once the server is done with it. Then
/// call ``migrate()`` once, before handing the store to the server. Each `write` is one
/// transaction; a `COMMIT` that returned is durable as the server's `synchronous_commit` says
/// (by default on).
///
/// ```swift
/// let store = PostgresStore(settings: try PostgresConnectionSettings(url: "postgres://parley@db/chat"))
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await store.run() }
///     try await store.migrate()
///     let server = ParleyServer(configuration: configuration, store: store)
///     // … serve, then:
///     group.cancelAll()
/// }
/// ```
public final class PostgresStore: DurableStore {
    /// The schema version ``migrate()`` brings a database to (Spec/storage.md).
    public static var schemaVersion: Int { PostgresSchema.latest }

    let client: PostgresClient
    let logger: Logger

    /// A store connecting as `settings` say; it connects once ``run()`` runs.
    ///
    /// - Parameters:
    ///   - settings: where to connect, and as whom.
    ///   - maximumConnections: the most connections the pool opens (reads run beside a write).
    ///   - logger: where the pool and the queries log.
    public init(settings: PostgresConnectionSettings, maximumConnections: Int = 4, logger: Logger = Logger(label: "parley.postgres")) {
        var configuration = settings.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs the connection pool until the calling task is cancelled; the store's calls wait for
    /// it. Call it once, from a task that lives as long as the store is used.
    public func run() async {
        await client.run()
    }

    /// Migrates the database to ``schemaVersion``: every migration above its version, one
    /// transaction each; an empty database is migrated from 0. Two stores migrating at once take
    /// turns.
    ///
    /// - Throws: `StoreError.schemaTooNew(found:known:)` for a database a newer Parley
    ///   migrated; the server's error when it cannot be reached or a migration fails.
    public func migrate() async throws {
        try await PostgresSchema.migrate(client, to: PostgresSchema.latest, logger: logger)
    }

    /// Applies `changes` in order in one transaction (a conversation's records replaced within the
    /// call are written once), and returns once it is committed.
    public func write(_ changes: [DurableChange]) async throws {
        let changes = changes.withoutReplacedRecords
        try await client.withTransaction(logger: logger) { connection in
            try await PostgresChangeWriter(connection: connection, logger: logger).apply(changes)
        }
    }

    /// The archived conversations `query` asks for: records by id; for one conversation, its events
    /// by cseq.
    public func load(_ query: ArchiveQuery) async throws -> ArchivedConversations {
        try await client.withConnection { connection in
            try await PostgresReader(connection: connection, logger: logger).archived(query)
        }
    }

    /// Teams, agents, every conversation not archived with all its events, and the newest
    /// conversation.
    public func recover() async throws -> RecoveredState {
        // One snapshot for all of it: rows written meanwhile appear whole or not at all.
        try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let recovered = try await PostgresReader(connection: connection, logger: logger).recovered()
                try await connection.query("COMMIT", logger: logger)
                return recovered
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Deletes the archived conversations that ended before `cutoff`, with their events, and
    /// returns how many.
    public func purge(endedBefore cutoff: Instant) async throws -> Int {
        let cutoff = cutoff.rawValue.sqlInteger
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("""
                DELETE FROM events WHERE conversation IN
                    (SELECT id FROM conversations WHERE archived AND ended_at < \(cutoff))
                """, logger: logger)
            let rows = try await connection.query(
                "DELETE FROM conversations WHERE archived AND ended_at < \(cutoff) RETURNING id", logger: logger)
            return try await rows.collect().count
        }
    }

    /// The page of messages and notes `query` finds, newest first.
    public func search(_ query: TranscriptQuery) async throws -> [ChatEvent] {
        try await client.withConnection { connection in
            try await PostgresReader(connection: connection, logger: logger).search(query)
        }
    }
}
