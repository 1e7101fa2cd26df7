import ParleyCore
import Synchronization

/// Feeds a ``DurableStore`` the server's batches: one write at a time, every batch that came
/// meanwhile in the next one (group commit), and a failed write again after a pause that
/// doubles up to `maxPauseMs`. It reports each outcome back to the server as an input.
final class StoreWriter: Sendable {
    /// What the writer reports back.
    enum Outcome: Sendable {
        /// These batches are durable.
        case written([UInt64])
        /// A write of a group starting at this batch failed; it is retried.
        case failed(UInt64)
    }

    private struct Queue: Sendable {
        var batches: [PersistBatch] = []
        var writing = false
    }

    private let store: any DurableStore
    private let queue = Mutex(Queue())
    private let firstPauseMs: UInt64
    private let maxPauseMs: UInt64

    init(store: any DurableStore, firstPauseMs: UInt64 = 50, maxPauseMs: UInt64 = 2_000) {
        self.store = store
        self.firstPauseMs = firstPauseMs
        self.maxPauseMs = maxPauseMs
    }

    /// Queues `batch`; starts writing unless a write is under way (the batch then joins the
    /// next), telling `report` each outcome.
    func enqueue(_ batch: PersistBatch, report: @escaping @Sendable (Outcome) -> Void) {
        let start = queue.withLock { queue in
            queue.batches.append(batch)
            guard !queue.writing else { return false }
            queue.writing = true
            return true
        }
        if start { Task { await self.drain(report: report) } }
    }

    /// Writes queued groups until none is left.
    private func drain(report: @Sendable (Outcome) -> Void) async {
        while true {
            let group: [PersistBatch] = queue.withLock { queue in
                defer { queue.batches.removeAll(keepingCapacity: true) }
                if queue.batches.isEmpty { queue.writing = false }
                return queue.batches
            }
            guard let first = group.first else { return }
            let changes = group.flatMap(\.changes)
            var pauseMs = firstPauseMs
            while true {
                do {
                    try await store.write(changes)
                    break
                } catch {
                    // Reported at every failure: commands that came since are answered too.
                    report(.failed(first.id))
                    try? await Task.sleep(for: .milliseconds(pauseMs))
                    pauseMs = min(pauseMs * 2, maxPauseMs)
                }
            }
            report(.written(group.map(\.id)))
        }
    }
}
