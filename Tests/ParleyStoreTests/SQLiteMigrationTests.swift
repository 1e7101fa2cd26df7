import Foundation
import GRDB
import ParleyCore
@testable import ParleySQLite
import Testing

/// The SQLite schema's versions (Spec/storage.md): migrating an empty database, a version-1
/// database holding data, and refusing a newer one.
@Suite struct SQLiteMigrationTests {
    static func version(of store: SQLiteStore) throws -> Int {
        try store.pool.read { db in try SQLiteSchema.version(db) }
    }

    @Test("An empty database is migrated to the newest version, in WAL mode with synchronous FULL")
    func emptyDatabase() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("a/b/parley.sqlite").path)
            #expect(try Self.version(of: store) == 2 && SQLiteStore.schemaVersion == 2)
            let (synchronous, journal, indexed) = try await store.pool.writeWithoutTransaction { db in
                (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try String.fetchOne(db, sql: "PRAGMA journal_mode"), try db.tableExists("events_fts"))
            }
            #expect(synchronous == 2, "FULL")
            #expect(journal == "wal" && indexed)
            #expect(try await store.search(TranscriptQuery(words: ["parcel"], teams: ["sales"], limit: 5)).isEmpty)
        }
    }

    @Test("A version-1 database with events migrates to version 2, and its events become searchable")
    func fromVersionOne() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("parley.sqlite").path
            let day = ChatScript.day
            let old = try SQLiteStore(path: path, migratingTo: 1)
            try await old.write(day.changes)
            #expect(try Self.version(of: old) == 1)
            #expect(try await old.pool.read { try !$0.tableExists("events_fts") })
            try old.close()

            let store = try SQLiteStore(path: path)
            #expect(try Self.version(of: store) == 2)
            let query = TranscriptQuery(words: ["parcel"], teams: ["sales", "support"], limit: 50)
            let found = try await store.search(query)
            #expect(found.count == 8 && found == day.reference.search(query))
            #expect(try await store.recover().normalized == day.reference.recovered.normalized, "the data kept")
        }
    }

    @Test("A database of a newer schema version is refused, naming both versions")
    func newerVersion() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("parley.sqlite").path
            let store = try SQLiteStore(path: path)
            try await store.pool.write { db in try db.execute(sql: "UPDATE parley_meta SET value = '3' WHERE key = 'schema_version'") }
            try store.close()
            let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
            #expect(error == .schemaTooNew(found: 3, known: 2))
            #expect(error.map(String.init(describing:))?.contains("version 3") == true)
            #expect(error.map(String.init(describing:))?.contains("(2)") == true)
        }
    }
}
