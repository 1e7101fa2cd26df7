import Dispatch
import ParleyCore
import ParleyServer
import Synchronization

/// A ``DurableStore`` that forwards every call to another store and counts its writes: how
/// many calls, how many changes, and the time spent in them. The server's writer hands it one
/// group of batches per call (group commit), so `messages / writes` is the group size.
final class CountingStore: DurableStore {
    private let inner: any DurableStore
    private let counters = Mutex(Counts())

    /// What the writes came to so far.
    struct Counts: Sendable {
        /// Calls of ``write(_:)`` that returned.
        var writes = 0
        /// Changes in those calls.
        var changes = 0
        /// Nanoseconds spent in those calls (monotonic clock).
        var nanoseconds: UInt64 = 0

        /// What was written between `earlier` and this count.
        func since(_ earlier: Counts) -> Counts {
            Counts(writes: writes - earlier.writes, changes: changes - earlier.changes, nanoseconds: nanoseconds - earlier.nanoseconds)
        }
    }

    /// Counts the writes to `inner`.
    init(wrapping inner: any DurableStore) { self.inner = inner }

    /// The writes so far.
    var counts: Counts { counters.withLock { $0 } }

    func write(_ changes: [DurableChange]) async throws {
        let start = DispatchTime.now().uptimeNanoseconds
        try await inner.write(changes)
        let spent = DispatchTime.now().uptimeNanoseconds - start
        counters.withLock { counts in
            counts.writes += 1
            counts.changes += changes.count
            counts.nanoseconds += spent
        }
    }

    func load(_ query: ArchiveQuery) async throws -> ArchivedConversations { try await inner.load(query) }

    func recover() async throws -> RecoveredState { try await inner.recover() }

    func purge(endedBefore cutoff: Instant) async throws -> Int { try await inner.purge(endedBefore: cutoff) }

    func search(_ query: TranscriptQuery) async throws -> [ChatEvent] { try await inner.search(query) }
}
