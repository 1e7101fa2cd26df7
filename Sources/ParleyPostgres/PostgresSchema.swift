import ParleyCore
import PostgresNIO

/// The PostgreSQL schema's migrations (Spec/storage.md): migration `n` takes a database from
/// schema version `n - 1` to `n`, in one transaction, and records `n` in `parley_meta`. Each is a
/// list of single statements (the extended query protocol runs one at a time).
enum PostgresSchema {
    /// The migrations in order; a database at version `v` runs those from index `v` on.
    static let migrations = [coreTables, searchIndex]

    /// The newest schema version this module knows.
    static var latest: Int { migrations.count }

    /// The advisory lock a migrating store holds, so two servers starting together migrate once.
    static let migrationLock: Int64 = 0x7061_726C_6579  // "parley"

    /// Version 1: the tables and their indexes. Ids compare as bytes (`COLLATE "C"`), the order
    /// the other stores page and list in, whatever the database's locale.
    static let coreTables = [
        """
        CREATE TABLE parley_meta (
            key text COLLATE "C" PRIMARY KEY,
            value text NOT NULL
        )
        """,
        """
        CREATE TABLE conversations (
            id text COLLATE "C" PRIMARY KEY,
            visitor text COLLATE "C" NOT NULL,
            team text COLLATE "C" NOT NULL,
            state text NOT NULL,
            agent text,
            created_at bigint NOT NULL,
            ended_at bigint,
            last_cseq bigint NOT NULL,
            archived boolean NOT NULL DEFAULT false,
            record text NOT NULL
        )
        """,
        "CREATE INDEX conversations_visitor ON conversations (visitor)",
        "CREATE INDEX conversations_archived_state ON conversations (archived, state)",
        "CREATE INDEX conversations_archived_ended ON conversations (archived, ended_at)",
        """
        CREATE TABLE events (
            conversation text COLLATE "C" NOT NULL,
            cseq bigint NOT NULL,
            kind text NOT NULL,
            at bigint NOT NULL,
            audience text NOT NULL,
            text text,
            body text NOT NULL,
            PRIMARY KEY (conversation, cseq)
        )
        """,
        """
        CREATE TABLE teams (
            id text COLLATE "C" PRIMARY KEY,
            default_max_concurrent integer NOT NULL
        )
        """,
        """
        CREATE TABLE agents (
            id text COLLATE "C" PRIMARY KEY,
            profile text NOT NULL
        )
        """,
    ]

    /// Version 2: the transcript search index (STORE-9), built over the events already written.
    static let searchIndex = [
        "CREATE INDEX events_text_search ON events USING gin (to_tsvector('simple', text))"
    ]

    /// The schema version of the database: 0 for an empty one.
    static func version(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let exists = try await connection.query("SELECT to_regclass('parley_meta') IS NOT NULL", logger: logger)
            .decode(Bool.self).first { _ in true } ?? false
        guard exists else { return 0 }
        let stored = try await connection.query("SELECT value FROM parley_meta WHERE key = 'schema_version'", logger: logger)
            .decode(String.self).first { _ in true }
        return stored.flatMap(Int.init) ?? 0
    }

    /// Runs every migration above the database's version up to `target`, one transaction each,
    /// holding ``migrationLock``.
    ///
    /// - Throws: ``StoreError/schemaTooNew(found:known:)`` when the database's version is
    ///   newer than ``latest``; the server's error when a migration fails (that migration is
    ///   rolled back).
    static func migrate(_ client: PostgresClient, to target: Int, logger: Logger) async throws {
        var current = 0
        repeat {
            current = try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
                let found = try await version(on: connection, logger: logger)
                guard found < target else { return found }  // no change: refused below when too new
                for statement in migrations[found] { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query("""
                    INSERT INTO parley_meta (key, value) VALUES ('schema_version', \(String(found + 1)))
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, logger: logger)
                return found + 1
            }
            guard current <= latest else { throw StoreError.schemaTooNew(found: current, known: latest) }
        } while current < target
    }
}
