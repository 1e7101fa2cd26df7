import ParleyCore
import ParleyServer
import Synchronization

/// A ``MemoryStore`` whose recovery waits until the test opens the gate: a store slow to read
/// at start, as a large PostgreSQL database can be.
final class GatedStore: DurableStore {
    private let memory = MemoryStore()
    private let gate = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    /// Lets recovery go on.
    func open() {
        let waiting = gate.withLock { gate in
            gate.open = true
            defer { gate.waiting = [] }
            return gate.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    func recover() async throws -> RecoveredState {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let open = gate.withLock { gate in
                if !gate.open { gate.waiting.append(waiter) }
                return gate.open
            }
            if open { waiter.resume() }
        }
        return try await memory.recover()
    }

    func write(_ changes: [DurableChange]) async throws { try await memory.write(changes) }
    func load(_ query: ArchiveQuery) async throws -> ArchivedConversations { try await memory.load(query) }
    func purge(endedBefore cutoff: Instant) async throws -> Int { try await memory.purge(endedBefore: cutoff) }
    func search(_ query: TranscriptQuery) async throws -> [ChatEvent] { try await memory.search(query) }
}
