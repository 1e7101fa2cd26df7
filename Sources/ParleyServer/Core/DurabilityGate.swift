import ParleyCore
import ParleyTransport
import ParleyWire

/// Holds what a session shard would write to its connections until the store has confirmed
/// every change made before it (STORE-1, STORE-2): nothing unconfirmed is observable — no
/// result, event, read or close — and nothing ever has to be taken back.
///
/// The hub numbers each step's durable changes as one ``PersistBatch`` and tells the shard of
/// it (``unconfirmed(_:)``) before anything that step caused. The sends and closes the shard
/// produces from then on wait behind the newest batch it was told of that is unconfirmed, and
/// go out in the order they were produced once every batch up to it is confirmed;
/// confirmations may come in any order, and many at once (group commit).
struct DurabilityGate: Sendable {
    /// The newest batch the hub told of.
    private var newest: UInt64 = 0
    /// Every batch up to this one is confirmed.
    private var confirmedThrough: UInt64 = 0
    /// Confirmed batches beyond `confirmedThrough` (confirmed out of order).
    private var confirmedAhead: Set<UInt64> = []
    /// Held outputs, oldest first, each with the batch it waits for.
    private var held: [(batch: UInt64, outputs: [ServerOutput])] = []
    private var heldHead = 0
    /// The command results among the held outputs, by connection and rid: from the client's
    /// side those commands are still in progress (SESSION-12).
    private var heldResults: [HeldResult: Int] = [:]

    private struct HeldResult: Hashable, Sendable {
        var connection: ConnectionID
        var rid: UInt64
    }

    /// The newest batch, if it is not confirmed yet.
    private var newestUnconfirmed: UInt64? { newest > confirmedThrough ? newest : nil }

    /// How many batches are written but not confirmed.
    var unconfirmedBatches: Int { Int(newest - confirmedThrough) - confirmedAhead.count }

    /// The hub made `batch`: what is written from now on waits for it.
    mutating func unconfirmed(_ batch: UInt64) {
        newest = max(newest, batch)
    }

    /// Sends and closes to carry out now, holding them while any batch is unconfirmed.
    mutating func pass(_ outputs: [ServerOutput]) -> [ServerOutput] {
        guard let batch = newestUnconfirmed, !outputs.isEmpty else { return outputs }
        for case .send(let id, let items) in outputs {
            for case .message(let message) in items {
                if let rid = message.resultRID { heldResults[HeldResult(connection: id, rid: rid), default: 0] += 1 }
            }
        }
        held.append((batch, outputs))
        return []
    }

    /// The store confirmed `batch`: the outputs that waited for it and every batch before it,
    /// in the order they were produced. An unknown or repeated confirmation releases nothing.
    mutating func confirm(_ batch: UInt64) -> [ServerOutput] {
        guard batch > confirmedThrough, batch <= newest else { return [] }
        confirmedAhead.insert(batch)
        while confirmedAhead.remove(confirmedThrough + 1) != nil { confirmedThrough += 1 }
        var released: [ServerOutput] = []
        while heldHead < held.count, held[heldHead].batch <= confirmedThrough {
            released += held[heldHead].outputs
            held[heldHead].outputs = []
            heldHead += 1
        }
        if heldHead == held.count {
            held.removeAll(keepingCapacity: true)
            heldHead = 0
            heldResults.removeAll(keepingCapacity: true)
        } else {
            // A store that never catches up completely must not keep what went out.
            if heldHead >= 64, heldHead * 2 >= held.count {
                held.removeFirst(heldHead)
                heldHead = 0
            }
            for case .send(let id, let items) in released where !heldResults.isEmpty {
                for case .message(let message) in items {
                    if let rid = message.resultRID { release(HeldResult(connection: id, rid: rid)) }
                }
            }
        }
        return released
    }

    /// Whether the result of the command `rid` on connection `id` waits here: the command is
    /// still in progress for its client, and a command reusing the rid is refused (SESSION-12).
    func holdsResult(rid: UInt64, for id: ConnectionID) -> Bool {
        heldResults[HeldResult(connection: id, rid: rid)] != nil
    }

    /// One held result for `key` went out or was withdrawn.
    private mutating func release(_ key: HeldResult) {
        guard let count = heldResults[key] else { return }
        heldResults[key] = count > 1 ? count - 1 : nil
    }

    /// The store could not write `batch` (the host retries it): takes every command result held
    /// behind it or a later batch out of the held outputs, as (connection, rid) pairs, for the
    /// server to answer STORE_UNAVAILABLE at once (STORE-3). Errors and welcomes stay held.
    mutating func withdrawResults(dependingOn batch: UInt64) -> [(ConnectionID, UInt64)] {
        var withdrawn: [(ConnectionID, UInt64)] = []
        for index in heldHead..<held.count where held[index].batch >= batch {
            held[index].outputs = held[index].outputs.compactMap { output in
                guard case .send(let id, let messages) = output else { return output }
                let kept = messages.filter { outbound in
                    guard case .message(let message) = outbound, let rid = message.resultRID else { return true }
                    switch message {
                    case .error, .welcome: return true
                    default:
                        withdrawn.append((id, rid))
                        release(HeldResult(connection: id, rid: rid))
                    }
                    return false
                }
                return kept.isEmpty ? nil : .send(id, kept)
            }
        }
        return withdrawn
    }

    /// Connection `id` is gone: what was held for it is dropped.
    mutating func drop(_ id: ConnectionID) {
        heldResults = heldResults.filter { $0.key.connection != id }
        for index in heldHead..<held.count {
            held[index].outputs.removeAll { output in
                switch output {
                case .send(let target, _), .close(let target, _): target == id
                case .measured, .authenticate, .persist, .load: false
                }
            }
        }
    }
}
