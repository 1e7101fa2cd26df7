import Foundation
import Logging
import ParleyPostgres
import ParleyServer
import ParleySQLite

/// The store `parley serve` runs with, opened: migrated, its connection pool running.
struct OpenedStore {
    /// The store, `nil` for memory only.
    let store: (any DurableStore)?
    /// Where the data is, for the start-up report.
    let description: String
    /// Stops what the store runs.
    let close: @Sendable () async throws -> Void

    /// Opens `choice`: creates and migrates an SQLite database, or starts a PostgreSQL pool
    /// and migrates the database.
    static func open(_ choice: StoreOptions.Choice, logger: Logger) async throws -> OpenedStore {
        switch choice {
        case .memory:
            return OpenedStore(store: nil, description: "memory only (--store memory): nothing survives a restart", close: {})
        case .sqlite(let path):
            let store = try SQLiteStore(path: path)
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            return OpenedStore(store: store, description: "SQLite \(absolute) (--data, --store)", close: { try store.close() })
        case .postgres(let settings):
            let store = PostgresStore(settings: settings, logger: logger)
            let pool = Task { await store.run() }
            do { try await store.migrate() } catch {
                pool.cancel()
                throw error
            }
            return OpenedStore(
                store: store, description: "PostgreSQL \(settings.user)@\(settings.host):\(settings.port)/\(settings.database)",
                close: { pool.cancel() })
        }
    }
}
