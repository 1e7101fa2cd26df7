import ParleyCore
@testable import ParleyPostgres
import PostgresNIO
import Testing

/// The PostgreSQL schema's versions (Spec/storage.md), each test in a database of its own;
/// skipped without a server (`PARLEY_TEST_POSTGRES`).
@Suite(.enabled(PostgresTestServer.skipReason) { await PostgresTestServer.isReachable })
struct PostgresMigrationTests {
    /// Runs `body` with a store on a new database, not migrated, whose pool runs meanwhile.
    static func withUnmigratedStore(_ body: (PostgresStore) async throws -> Void) async throws {
        try await PostgresTestServer.withDatabase { settings in
            let store = PostgresStore(settings: settings)
            let running = Task { await store.run() }
            defer { running.cancel() }
            try await body(store)
        }
    }

    static func version(of store: PostgresStore) async throws -> Int {
        try await store.client.withConnection { connection in
            try await PostgresSchema.version(on: connection, logger: store.logger)
        }
    }

    @Test("An empty database is migrated to the newest version, with the search index; two stores migrating at once take turns")
    func emptyDatabase() async throws {
        try await Self.withUnmigratedStore { store in
            #expect(try await Self.version(of: store) == 0)
            async let first: Void = store.migrate()
            async let second: Void = store.migrate()
            _ = try await (first, second)
            #expect(try await Self.version(of: store) == 2 && PostgresStore.schemaVersion == 2)
            var indexes: [String] = []
            for try await name in try await store.client.query("SELECT indexname FROM pg_indexes WHERE tablename = 'events'").decode(String.self) {
                indexes.append(name)
            }
            #expect(indexes.contains("events_text_search"))
        }
    }

    @Test("A version-1 database with events migrates to version 2, and its events are searched")
    func fromVersionOne() async throws {
        try await Self.withUnmigratedStore { store in
            let day = ChatScript.day
            try await PostgresSchema.migrate(store.client, to: 1, logger: store.logger)
            try await store.write(day.changes)
            #expect(try await Self.version(of: store) == 1)
            try await store.migrate()
            #expect(try await Self.version(of: store) == 2)
            let query = TranscriptQuery(words: ["parcel"], teams: ["sales", "support"], limit: 50)
            let found = try await store.search(query)
            #expect(found.count == 8 && found == day.reference.search(query))
            #expect(try await store.recover().normalized == day.reference.recovered.normalized, "the data kept")
        }
    }

    @Test("A database of a newer schema version is refused, naming both versions")
    func newerVersion() async throws {
        try await Self.withUnmigratedStore { store in
            try await store.migrate()
            try await store.client.query("UPDATE parley_meta SET value = '3' WHERE key = 'schema_version'")
            let error = await #expect(throws: StoreError.self) { try await store.migrate() }
            #expect(error == .schemaTooNew(found: 3, known: 2))
            #expect(error.map(String.init(describing:))?.contains("version 3") == true)
        }
    }
}
