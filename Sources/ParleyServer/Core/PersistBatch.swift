import ParleyCore

/// The durable changes of one input, numbered, for the host's store to write
/// (``ServerOutput/persist(_:)``): everything the server sends because of them waits until the
/// host confirms the batch with ``ServerCore/persisted(_:now:)`` (STORE-1).
public struct PersistBatch: Sendable, Hashable {
    /// The batch's number: 1 for the first, one more for each next; write them in this order.
    public var id: UInt64
    /// The changes, in the order they were made.
    public var changes: [DurableChange]

    /// A batch of `changes` numbered `id`.
    public init(id: UInt64, changes: [DurableChange]) {
        self.id = id
        self.changes = changes
    }
}
