import ParleyCore
import ParleyWire

/// Acknowledged means durable (STORE section): each input's durable changes leave as one
/// ``ServerOutput/persist(_:)`` batch, and what the server writes to connections from then on
/// waits until the host's store confirms the batches before it.
///
/// ```swift
/// for output in core.receive(message, on: connection, now: now) {
///     if case .persist(let batch) = output {
///         Task {
///             try await store.write(batch.changes)        // retried by the host on failure
///             perform(core.persisted(batch.id, now: clock()))
///         }
///     }
/// }
/// ```
extension ServerCore {
    /// The host's store confirmed batch `id` durable (alone, or with others in one group commit;
    /// in any order): what waited for it and every earlier batch goes out now, in the order it
    /// was produced. Unknown or repeated confirmations do nothing.
    public mutating func persisted(_ id: UInt64, now: Instant) -> [ServerOutput] {
        tell(.confirmed(id))
        return emit(now: now)
    }

    /// The host's store could not write batch `id`; the host writes it again (and confirms it
    /// then). Commands whose results wait for it or a later batch are answered at once with
    /// STORE_UNAVAILABLE and `retryAfterMs`: their effects stay unobservable until the batch is
    /// confirmed, and the command re-sent — with the same rid, or the same clientMessageId — gets
    /// the original result once it is (STORE-3, SESSION-19, SESSION-23).
    public mutating func persistFailed(_ id: UInt64, now: Instant) -> [ServerOutput] {
        tell(.storeFailed(id, retryAfterMs: configuration.session.inProgressRetryAfterMs))
        return emit(now: now)
    }

    /// How many batches the host has been asked to write and has not confirmed.
    public var unconfirmedBatches: Int { shard.gate.unconfirmedBatches }
}

extension ServerCore {
    /// Confirms every ``ServerOutput/persist(_:)`` in `outputs` at once, replacing it by what
    /// its confirmation releases: for hosts that keep their state in memory only, and tests.
    public mutating func confirmingWrites(_ outputs: [ServerOutput], now: Instant) -> [ServerOutput] {
        var confirmed: [ServerOutput] = []
        for output in outputs {
            if case .persist(let batch) = output {
                confirmed += confirmingWrites(persisted(batch.id, now: now), now: now)
            } else {
                confirmed.append(output)
            }
        }
        return confirmed
    }
}
