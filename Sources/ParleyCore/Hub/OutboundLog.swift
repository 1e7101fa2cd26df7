import ParleyWire

/// One session's outbound log: the durable events it has not had acknowledged, a send cursor,
/// an ack point, and the undrained ephemeral events, within the configured bounds.
///
/// ```
/// acked ──────── sent ──────────── lastSeq
///   │ retained: │ written, awaiting │ not written yet │
/// ```
/// Publishers enqueue; the transport `drain`s everything after the cursor for one coalesced
/// write; the client's cumulative `ack(upTo:)` frees the front; `rewind(to:)` moves the cursor
/// back for resumption (HUB-7, HUB-13). A value type with no locking: each session's log lives
/// in the ``SessionRegistry``, changed only by whoever holds the registry.
public struct OutboundLog<Payload: OutboundPayload>: Sendable {
    private enum State: Sendable {
        /// Delivering normally.
        case open
        /// Marked for disconnection (HUB-11); `lost` durable events were not retained since.
        case slowConsumer(lost: Int)
    }

    private struct PendingEphemeral: Sendable {
        var payload: Payload
        var key: CoalescingKey
        /// The session's `lastSeq` when it was enqueued: it is delivered after that durable event.
        var afterSeq: UInt64
    }

    private let limits: QueueLimits
    /// The encoding this session receives; byte bounds count its size.
    public let encoding: PayloadEncoding
    private var state = State.open
    /// Durable events `ackedSeq + 1 … lastSeq`.
    private var durable = PayloadRing<Payload>()
    private var ackedSeq: UInt64 = 0
    private var sentSeq: UInt64 = 0
    private var retainedBytes = 0
    /// Undrained ephemeral events in enqueue order; `nil` marks one replaced by a newer one.
    private var pending: [PendingEphemeral?] = []
    /// Absolute position (`pendingBase + index`) of each key's entry in `pending`.
    private var pendingSlots: [CoalescingKey: Int] = [:]
    private var pendingBase = 0
    private var pendingLive = 0
    /// The transport has been told to drain (by a `.enqueued(wake: true)`) and has not emptied the log since.
    private var wakeIssued = false
    /// Ephemeral events were shed since the last drain that left the log below the high-water mark.
    private var shedEphemerals = false

    /// An empty log for a session receiving `encoding`, bounded by `limits`.
    public init(encoding: PayloadEncoding, limits: QueueLimits) {
        self.encoding = encoding
        self.limits = limits
    }

    /// The sequence number of the newest durable event (0 before the first).
    public var lastSeq: UInt64 { ackedSeq + UInt64(durable.count) }

    /// How much the log holds now.
    public var statistics: QueueStatistics {
        let lost: Int
        switch state {
        case .open: lost = 0
        case .slowConsumer(let count): lost = count
        }
        return QueueStatistics(
            retainedEvents: durable.count, retainedBytes: retainedBytes, unsentEvents: Int(lastSeq - sentSeq),
            pendingEphemeral: pendingLive, lastSeq: lastSeq, ackedSeq: ackedSeq,
            isMarkedSlowConsumer: isMarked, lostEvents: lost)
    }

    private var isMarked: Bool {
        switch state {
        case .open: false
        case .slowConsumer: true
        }
    }

    private var hasUndrained: Bool { sentSeq < lastSeq || pendingLive > 0 }

    /// Appends a durable event with the next sequence number (HUB-7), unless the backlog is at
    /// its retention bound (HUB-9); marks the log for disconnection when the backlog goes beyond
    /// the disconnect bound (HUB-11).
    public mutating func enqueueDurable(_ payload: Payload) -> EnqueueOutcome {
        let size = payload.count(encoding)
        let retained = !limits.retention.isExceeded(events: durable.count + 1, bytes: retainedBytes + size)
        if retained {
            durable.append(payload)
            retainedBytes += size
        }
        switch state {
        case .open:
            if !retained || limits.disconnect.isExceeded(events: durable.count, bytes: retainedBytes) {
                state = .slowConsumer(lost: retained ? 0 : 1)
                dropPendingEphemerals()
                return .markedSlowConsumer
            }
            return .enqueued(wake: issueWake())
        case .slowConsumer(let lost):
            if retained { return .enqueued(wake: false) }
            state = .slowConsumer(lost: lost + 1)
            return .dropped
        }
    }

    /// Queues an ephemeral event as the latest state for `key`, replacing an undrained older one
    /// (HUB-8), or sheds it when the durable backlog is at the high-water mark, the log is
    /// marked, or `maxPendingEphemeral` keys are pending (HUB-10).
    public mutating func enqueueEphemeral(_ payload: Payload, key: CoalescingKey) -> EnqueueOutcome {
        if isMarked || limits.highWater.isReached(events: durable.count, bytes: retainedBytes) {
            dropPendingEphemerals()
            shedEphemerals = true
            return .shed
        }
        let entry = PendingEphemeral(payload: payload, key: key, afterSeq: lastSeq)
        if let slot = pendingSlots[key] {
            pending[slot - pendingBase] = nil
            pendingSlots[key] = pendingBase + pending.count
            pending.append(entry)
            compactPendingIfSparse()
            return .coalesced
        }
        if pendingLive >= limits.maxPendingEphemeral {
            shedEphemerals = true
            return .shed
        }
        pendingSlots[key] = pendingBase + pending.count
        pending.append(entry)
        pendingLive += 1
        return .enqueued(wake: issueWake())
    }

    /// Hands `body`, in publish order, up to `limit` events not yet handed to the transport:
    /// durable events after the send cursor (which then advances) interleaved with pending
    /// ephemeral events (which leave the log) (HUB-4, HUB-7).
    public mutating func drain(limit: Int = .max, _ body: (Delivery<Payload>) -> Void) -> DrainResult {
        var taken = 0
        var index = 0
        while taken < limit {
            while index < pending.count, pending[index] == nil { index += 1 }
            if index < pending.count, let entry = pending[index], entry.afterSeq <= sentSeq {
                body(Delivery(payload: entry.payload, seq: 0, kind: .ephemeral))
                pendingSlots[entry.key] = nil
                pendingLive -= 1
                index += 1
            } else if sentSeq < lastSeq {
                sentSeq += 1
                body(Delivery(payload: durable[Int(sentSeq - ackedSeq) - 1], seq: sentSeq, kind: .durable))
            } else {
                break
            }
            taken += 1
        }
        while index < pending.count, pending[index] == nil { index += 1 }
        if index == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingBase = 0
        } else {
            pending.removeFirst(index)
            pendingBase += index
        }
        let hasMore = hasUndrained
        if !hasMore { wakeIssued = false }
        let resync = shedEphemerals && !limits.highWater.isReached(events: durable.count, bytes: retainedBytes)
        if resync { shedEphemerals = false }
        return DrainResult(
            count: taken, hasMore: hasMore, disconnect: isMarked ? .slowConsumer : nil, resyncEphemeral: resync)
    }

    /// Frees every durable event up to and including `seq`, which the client confirmed (HUB-7).
    ///
    /// - Returns: the number freed, or `ACK_OUT_OF_RANGE` when `seq` is before the previous
    ///   ack or after what was sent (the log is then unchanged).
    public mutating func ack(upTo seq: UInt64) -> AckOutcome {
        guard seq >= ackedSeq, seq <= sentSeq else { return .rejected(.ackOutOfRange) }
        let count = Int(seq - ackedSeq)
        trim(count)
        return .freed(count)
    }

    /// Moves the send cursor back to `lastProcessed`, the last sequence number a resuming client
    /// processed, so the next drains replay everything after it (HUB-13). Implies an ack of
    /// `lastProcessed`, and clears a slow-consumer mark. The caller drains next; the following
    /// enqueue wakes the transport again.
    ///
    /// - Returns: `.resumed` when every event after `lastProcessed` is retained; `.notRetained`
    ///   when `lastProcessed` is before the ack point or after `lastSeq`, or when events were
    ///   dropped at the retention bound (the log is then unchanged and the session layer
    ///   resynchronizes the client another way).
    public mutating func rewind(to lastProcessed: UInt64) -> RewindResult {
        guard lastProcessed >= ackedSeq, lastProcessed <= lastSeq else {
            return .notRetained(oldestRetained: ackedSeq + 1, lastSeq: lastSeq, lost: 0)
        }
        if case .slowConsumer(let lost) = state, lost > 0 {
            return .notRetained(oldestRetained: ackedSeq + 1, lastSeq: lastSeq, lost: lost)
        }
        trim(Int(lastProcessed - ackedSeq))
        sentSeq = lastProcessed
        state = .open
        wakeIssued = false
        return .resumed(replayFrom: lastProcessed < lastSeq ? lastProcessed + 1 : nil, lastSeq: lastSeq)
    }

    private mutating func trim(_ count: Int) {
        retainedBytes -= durable.removeFirst(count, measuredIn: encoding)
        ackedSeq += UInt64(count)
    }

    /// Records that the transport must be woken, returning whether it had not been already.
    private mutating func issueWake() -> Bool {
        if wakeIssued { return false }
        wakeIssued = true
        return true
    }

    private mutating func dropPendingEphemerals() {
        if pending.isEmpty { return }
        pending.removeAll(keepingCapacity: true)
        pendingSlots.removeAll(keepingCapacity: true)
        pendingBase = 0
        pendingLive = 0
    }

    /// Rebuilds `pending` without its holes once they outnumber the live entries, so a flood of
    /// replacements for one key cannot grow it.
    private mutating func compactPendingIfSparse() {
        guard pending.count > 2 * pendingLive + 16 else { return }
        var index = 0
        for entry in pending {
            guard let entry else { continue }
            pending[index] = entry
            pendingSlots[entry.key] = index
            index += 1
        }
        pending.removeLast(pending.count - index)
        pendingBase = 0
    }
}
