import ParleyCore
import Synchronization

/// A ``DurableStore`` in memory: the reference implementation of the store protocol, for tests
/// and for hosts trying the store path before their database is ready. It keeps what it is
/// written as `StoreContents` and answers reads from them; nothing survives the process.
///
/// ```swift
/// let store = MemoryStore()
/// let server = ParleyServer(configuration: configuration, store: store)
/// // …
/// let written = store.contents.events["c1"]?.count
/// ```
public final class MemoryStore: DurableStore {
    private let state = Mutex(StoreContents())

    /// An empty store.
    public init() {}

    /// What the store holds now.
    public var contents: StoreContents { state.withLock { $0 } }

    public func write(_ changes: [DurableChange]) async throws {
        state.withLock { $0.apply(changes) }
    }

    public func recover() async throws -> RecoveredState {
        state.withLock { $0.recovered }
    }

    public func purge(endedBefore cutoff: Instant) async throws -> Int {
        state.withLock { $0.purge(endedBefore: cutoff) }
    }

    public func search(_ query: TranscriptQuery) async throws -> [ChatEvent] {
        state.withLock { $0.search(query) }
    }

    public func load(_ query: ArchiveQuery) async throws -> ArchivedConversations {
        state.withLock { $0.answer(query) }
    }
}
