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
///             perform(core.persisted(batch.id))
///         }
///     }
/// }
/// ```
extension ServerCore {
    /// The outputs of the input just run at `now`: its durable changes as a batch to write, and
    /// its sends and closes, held while any batch is unconfirmed (STORE-1, STORE-2). Unless the
    /// host ends batches itself (``defersFlushes``), the session logs given events hand them out first.
    mutating func emit(now: Instant) -> [ServerOutput] {
        if !defersFlushes { tell(.endBatch, now: now) }
        let (outputs, changes) = pending.take()
        return gate.pass(shard.sends.take() + outputs, changes: changes)
    }

    /// Ends a batch of inputs (``defersFlushes``): every session log given events during it
    /// hands them out now, each connection's in one go.
    public mutating func flushDeferred(now: Instant) -> [ServerOutput] {
        tell(.endBatch, now: now)
        return emit(now: now)
    }

    /// The host's store confirmed batch `id` durable (alone, or with others in one group commit;
    /// in any order): what waited for it and every earlier batch goes out now, in the order it
    /// was produced. Unknown or repeated confirmations do nothing.
    public mutating func persisted(_ id: UInt64) -> [ServerOutput] {
        gate.confirm(id)
    }

    /// The host's store could not write batch `id`; the host writes it again (and confirms it
    /// then). Commands whose results wait for it or a later batch are answered at once with
    /// STORE_UNAVAILABLE and `retryAfterMs`: their effects stay unobservable until the batch is
    /// confirmed, and the command re-sent — with the same rid, or the same clientMessageId — gets
    /// the original result once it is (STORE-3, SESSION-19, SESSION-23).
    public mutating func persistFailed(_ id: UInt64, now: Instant) -> [ServerOutput] {
        for (connection, rid) in gate.withdrawResults(dependingOn: id) {
            tell(.withheld(connection, rid: rid, .error(Wire.ErrorReply(
                rid: rid, code: UInt64(ErrorCode.storeUnavailable.rawValue),
                message: "the store has not confirmed this command's write yet; re-send it to learn its outcome",
                retryAfterMs: configuration.session.inProgressRetryAfterMs, requirement: "STORE-3"))), now: now)
        }
        return shard.sends.take() + pending.take().outputs
    }

    /// How many batches the host has been asked to write and has not confirmed.
    public var unconfirmedBatches: Int { gate.unconfirmedBatches }
}

extension ServerCore {
    /// Confirms every ``ServerOutput/persist(_:)`` in `outputs` at once, replacing it by what
    /// its confirmation releases: for hosts that keep their state in memory only, and tests.
    public mutating func confirmingWrites(_ outputs: [ServerOutput]) -> [ServerOutput] {
        var confirmed: [ServerOutput] = []
        for output in outputs {
            if case .persist(let batch) = output {
                confirmed += persisted(batch.id)
            } else {
                confirmed.append(output)
            }
        }
        return confirmed
    }
}
