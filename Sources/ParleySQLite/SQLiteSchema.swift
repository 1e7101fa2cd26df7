import GRDB
import ParleyCore

/// The SQLite schema's migrations (Spec/storage.md): migration `n` takes a database from schema
/// version `n - 1` to `n`, in one transaction, and records `n` in `parley_meta`.
enum SQLiteSchema {
    /// The migrations in order; a database at version `v` runs those from index `v` on.
    static let migrations = [coreTables, searchIndex]

    /// The newest schema version this module knows.
    static var latest: Int { migrations.count }

    /// Version 1: the tables and their indexes. `events` has an `INTEGER PRIMARY KEY` as its row
    /// id, which stays the same across `VACUUM`, so the search index (version 2) can refer to it.
    static let coreTables = """
        CREATE TABLE parley_meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        );
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY NOT NULL,
            visitor TEXT NOT NULL,
            team TEXT NOT NULL,
            state TEXT NOT NULL,
            agent TEXT,
            created_at INTEGER NOT NULL,
            ended_at INTEGER,
            last_cseq INTEGER NOT NULL,
            archived INTEGER NOT NULL DEFAULT 0,
            record TEXT NOT NULL
        );
        CREATE INDEX conversations_visitor ON conversations (visitor);
        CREATE INDEX conversations_archived_state ON conversations (archived, state);
        CREATE INDEX conversations_archived_ended ON conversations (archived, ended_at);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            conversation TEXT NOT NULL,
            cseq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            at INTEGER NOT NULL,
            audience TEXT NOT NULL,
            text TEXT,
            body TEXT NOT NULL,
            UNIQUE (conversation, cseq)
        );
        CREATE TABLE teams (
            id TEXT PRIMARY KEY NOT NULL,
            default_max_concurrent INTEGER NOT NULL
        );
        CREATE TABLE agents (
            id TEXT PRIMARY KEY NOT NULL,
            profile TEXT NOT NULL
        );
        """

    /// Version 2: the transcript search index (STORE-9), an FTS5 table over `events.text` kept by
    /// triggers, filled with the events already written.
    static let searchIndex = """
        CREATE VIRTUAL TABLE events_fts USING fts5(
            text, content = 'events', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0'
        );
        CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
            INSERT INTO events_fts (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
            INSERT INTO events_fts (events_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER events_fts_update AFTER UPDATE ON events BEGIN
            INSERT INTO events_fts (events_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO events_fts (rowid, text) VALUES (new.id, new.text);
        END;
        INSERT INTO events_fts (events_fts) VALUES ('rebuild');
        """

    /// The schema version of the database: 0 for an empty one.
    static func version(_ db: Database) throws -> Int {
        guard try db.tableExists("parley_meta") else { return 0 }
        let stored = try String.fetchOne(db, sql: "SELECT value FROM parley_meta WHERE key = 'schema_version'")
        return stored.flatMap(Int.init) ?? 0
    }

    /// Runs every migration above the database's version up to `target`, one transaction each.
    ///
    /// - Throws: ``StoreError/schemaTooNew(found:known:)`` when the database's version is
    ///   newer than ``latest``; the database's error when a migration fails (that migration is
    ///   rolled back).
    static func migrate(_ db: Database, to target: Int) throws {
        var current = 0
        repeat {
            try db.inTransaction(.immediate) {
                current = try version(db)
                guard current <= latest else { throw StoreError.schemaTooNew(found: current, known: latest) }
                guard current < target else { return .commit }
                try db.execute(sql: migrations[current])
                current += 1
                try db.execute(
                    sql: "INSERT INTO parley_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    arguments: [String(current)])
                return .commit
            }
        } while current < target
    }
}
