import Dispatch
import ParleyPostgres
import Synchronization

/// A ``PostgresStore`` for the `store` suite: its connection pool runs in a task from
/// ``init(url:)`` (which migrates the database) until ``stop()``. One store serves every
/// PostgreSQL case; each case's server names its conversations apart.
final class BenchPostgres: Sendable {
    let store: PostgresStore
    private let pool: Task<Void, Never>

    /// Connects to `url` (`postgres://user@host:port/database`) and migrates the database.
    ///
    /// - Throws: when the URL is invalid or the database cannot be migrated.
    init(url: String) throws {
        let store = PostgresStore(settings: try PostgresConnectionSettings(url: url))
        self.store = store
        pool = Task { await store.run() }
        try Self.blocking { try await store.migrate() }
    }

    /// Closes the pool's connections.
    func stop() { pool.cancel() }

    /// The database did not answer within a minute.
    struct Unreachable: Error {}

    /// Runs `body` in a task and waits for it (a minute at most) on this thread, which must not
    /// be one of the concurrency pool's.
    private static func blocking(_ body: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = Failure()
        Task {
            do { try await body() } catch { failure.error.withLock { $0 = error } }
            done.signal()
        }
        if done.wait(timeout: .now() + .seconds(60)) == .timedOut { throw Unreachable() }
        if let error = failure.error.withLock({ $0 }) { throw error }
    }

    /// Where ``blocking(_:)``'s task leaves its error.
    private final class Failure: Sendable {
        let error = Mutex<(any Error)?>(nil)
    }
}
