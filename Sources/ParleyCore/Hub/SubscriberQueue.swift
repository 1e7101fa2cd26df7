import Synchronization

/// A session's subscriber queue: its outbound log behind a mutex, so publishers on any thread
/// enqueue while the session's transport drains from its own (HUB-15).
///
/// The lock is held only to copy references in or out; the transport writes after `drain`
/// returns, so a slow socket never holds up a publisher (HUB-12).
public final class SubscriberQueue: Sendable {
    /// The encoding this session receives.
    public let encoding: PayloadEncoding
    private let log: Mutex<OutboundLog<SharedPayload>>
    /// The topics this queue is subscribed to; changed only under the topic's shard lock.
    let membership = Mutex(Membership())

    /// The topics a queue is subscribed to, and whether it was removed from the hub.
    struct Membership {
        var topics: Set<Topic> = []
        var removed = false
    }

    init(encoding: PayloadEncoding, limits: QueueLimits) {
        self.encoding = encoding
        self.log = Mutex(OutboundLog(encoding: encoding, limits: limits))
    }

    /// Hands the transport up to `limit` undrained events, in order, for one coalesced write.
    /// See `OutboundLog.drain(into:limit:)`.
    public func drain(into batch: inout [Delivery<SharedPayload>], limit: Int = .max) -> DrainResult {
        log.withTSanVisibleLock { $0.drain(into: &batch, limit: limit) }
    }

    /// Applies the client's cumulative acknowledgement. See `OutboundLog.ack(upTo:)`.
    public func ack(upTo seq: UInt64) -> AckOutcome {
        log.withTSanVisibleLock { $0.ack(upTo: seq) }
    }

    /// Rewinds for a resuming client. See `OutboundLog.rewind(to:)`.
    public func rewind(to lastProcessed: UInt64) -> RewindResult {
        log.withTSanVisibleLock { $0.rewind(to: lastProcessed) }
    }

    /// How much the queue holds now.
    public var statistics: QueueStatistics { log.withTSanVisibleLock { $0.statistics } }

    /// The topics the queue is subscribed to now.
    public var topics: Set<Topic> { membership.withTSanVisibleLock { $0.topics } }

    func enqueueDurable(_ payload: SharedPayload) -> EnqueueOutcome {
        log.withTSanVisibleLock { $0.enqueueDurable(payload) }
    }

    func enqueueEphemeral(_ payload: SharedPayload, key: CoalescingKey) -> EnqueueOutcome {
        log.withTSanVisibleLock { $0.enqueueEphemeral(payload, key: key) }
    }
}
