import Foundation
@testable import ParleyPostgres
import PostgresNIO
import Synchronization
import Testing

/// The PostgreSQL server the tests may use: `PARLEY_TEST_POSTGRES`, a `postgres://` URL
/// (Scripts/with-postgres.sh sets it). Each test gets a database of its own, dropped after.
enum PostgresTestServer {
    /// `PARLEY_TEST_POSTGRES` names no server.
    struct NoServer: Error {}

    /// Why PostgreSQL cases are skipped, shown with each skipped suite.
    static let skipReason: Comment = "PostgreSQL cases skipped: PARLEY_TEST_POSTGRES unset or its server unreachable (Scripts/with-postgres.sh sets it)"

    /// The server's settings, if the variable names one.
    static var settings: PostgresConnectionSettings? {
        ProcessInfo.processInfo.environment["PARLEY_TEST_POSTGRES"].flatMap { try? PostgresConnectionSettings(url: $0) }
    }

    /// Whether the server answers, checked once; says on the output why not.
    static var isReachable: Bool {
        get async { await reachability.value }
    }

    private static let reachability = Task<Bool, Never> {
        guard let settings else {
            print("◇ PARLEY_TEST_POSTGRES is not set (or not a postgres:// URL): the PostgreSQL cases are skipped")
            return false
        }
        do {
            _ = try await withClient(settings) { client in try await client.query("SELECT 1").collect().count }
            return true
        } catch {
            print("◇ PostgreSQL at \(settings.host):\(settings.port) is unreachable (\(String(reflecting: error))): the PostgreSQL cases are skipped")
            return false
        }
    }

    /// Runs `body` with a client on `settings` whose pool runs meanwhile.
    static func withClient<Result: Sendable>(
        _ settings: PostgresConnectionSettings, _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: settings.clientConfiguration)
        let running = Task { await client.run() }
        defer { running.cancel() }
        return try await body(client)
    }

    /// Runs `body` with the settings of a new empty database, dropped afterwards.
    static func withDatabase(_ body: (PostgresConnectionSettings) async throws -> Void) async throws {
        guard let admin = settings else { throw NoServer() }
        let name = "parley_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await withClient(admin) { client in
            try await client.query("CREATE DATABASE \(unescaped: name)")
            var settings = admin
            settings.database = name
            do {
                try await body(settings)
            } catch {
                _ = try? await client.query("DROP DATABASE \(unescaped: name) WITH (FORCE)")
                throw error
            }
            try await client.query("DROP DATABASE \(unescaped: name) WITH (FORCE)")
        }
    }

    /// Runs `body` with a migrated store on a new database, and a function that stops that store
    /// and starts another on the same database.
    static func withStore(_ body: (PostgresStore, @escaping @Sendable () async throws -> PostgresStore) async throws -> Void) async throws {
        try await withDatabase { settings in
            let running = Mutex<[Task<Void, Never>]>([])
            @Sendable func start() async throws -> PostgresStore {
                let store = PostgresStore(settings: settings)
                running.withLock { $0.append(Task { await store.run() }) }
                try await store.migrate()
                return store
            }
            defer { running.withLock { tasks in tasks.forEach { $0.cancel() } } }
            let first = try await start()
            try await body(first) {
                let previous = running.withLock { $0.last }
                previous?.cancel()
                await previous?.value
                return try await start()
            }
        }
    }
}
