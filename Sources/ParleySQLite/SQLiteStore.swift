import Foundation
import GRDB
import ParleyCore
import ParleyServer

/// A `DurableStore` in an SQLite file (Spec/storage.md): the reference server's default store.
///
/// The database runs in WAL mode with `synchronous = FULL`, so a `write` that returned has
/// reached the disk and survives a power loss, not only a crash of the process. Each `write` is
/// one transaction. Reads run on their own connections beside the writer.
///
/// Opening a store creates the file (and its directory) when missing and migrates its schema to
/// ``schemaVersion``.
///
/// ```swift
/// let store = try SQLiteStore(path: "/var/lib/parley/parley.sqlite")
/// let server = ParleyServer(configuration: configuration, store: store)
/// ```
public final class SQLiteStore: DurableStore {
    /// The schema version this store migrates a database to (Spec/storage.md).
    public static var schemaVersion: Int { SQLiteSchema.latest }

    let pool: DatabasePool

    /// Opens (or creates) the database at `path` and migrates it to ``schemaVersion``.
    ///
    /// - Parameter path: the database file; it and its directory are created when missing.
    /// - Throws: `StoreError.schemaTooNew(found:known:)` for a database a newer Parley
    ///   wrote; SQLite's or the file system's error when it cannot be opened or migrated.
    public convenience init(path: String) throws {
        try self.init(path: path, migratingTo: SQLiteSchema.latest)
    }

    /// Opens the database at `path` and migrates it to `version` (tests open older schemas).
    init(path: String, migratingTo version: Int) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in
            // GRDB sets NORMAL when it enables WAL; only FULL syncs the WAL at every commit.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try SQLiteSchema.migrate(db, to: version)
        }
    }

    /// Closes the database; the store cannot be used afterwards.
    ///
    /// - Throws: SQLite's error when a connection cannot be closed.
    public func close() throws {
        try pool.close()
    }

    /// Applies `changes` in order in one transaction (a conversation's records replaced within the
    /// call are written once), and returns once it is committed.
    public func write(_ changes: [DurableChange]) async throws {
        try await pool.write { db in
            let writer = SQLiteChangeWriter(db)
            for change in changes.withoutReplacedRecords { try writer.apply(change) }
        }
    }

    /// The archived conversations `query` asks for: records by id; for one conversation, its events
    /// by cseq.
    public func load(_ query: ArchiveQuery) async throws -> ArchivedConversations {
        try await pool.read { db in try SQLiteReader(db).archived(query) }
    }

    /// Teams, agents, every conversation not archived with all its events, and the newest
    /// conversation.
    public func recover() async throws -> RecoveredState {
        try await pool.read { db in try SQLiteReader(db).recovered() }
    }

    /// Deletes the archived conversations that ended before `cutoff`, with their events, and
    /// returns how many.
    public func purge(endedBefore cutoff: Instant) async throws -> Int {
        try await pool.write { db in
            let due = "SELECT id FROM conversations WHERE archived = 1 AND ended_at < ?"
            let arguments: StatementArguments = [cutoff.rawValue.sqlInteger]
            try db.execute(sql: "DELETE FROM events WHERE conversation IN (\(due))", arguments: arguments)
            try db.execute(sql: "DELETE FROM conversations WHERE id IN (\(due))", arguments: arguments)
            return db.changesCount
        }
    }

    /// The page of messages and notes `query` finds, newest first.
    public func search(_ query: TranscriptQuery) async throws -> [ChatEvent] {
        try await pool.read { db in try SQLiteReader(db).search(query) }
    }
}
