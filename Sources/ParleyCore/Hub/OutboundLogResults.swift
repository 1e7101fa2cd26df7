import ParleyWire

/// What happened to one event offered to an outbound log.
public enum EnqueueOutcome: Sendable, Equatable {
    /// Queued. `wake` is true when the transport was not already due to drain this log and
    /// must now be told to (HUB-17).
    case enqueued(wake: Bool)
    /// An ephemeral event replaced an undrained one with the same key (HUB-8).
    case coalesced
    /// An ephemeral event was shed under pressure (HUB-10).
    case shed
    /// The log went beyond its disconnect bound and is now marked SLOW_CONSUMER (HUB-11); its
    /// next drain says so, and the session layer closes the connection.
    case markedSlowConsumer
    /// The log is marked and at its retention bound: the durable event was not retained (HUB-9).
    case dropped
}

/// What a drain handed out and what the transport must do next.
public struct DrainResult: Sendable, Equatable {
    /// Number of deliveries handed out.
    public var count: Int
    /// Whether undrained events remain (the drain hit its limit, or events arrived).
    public var hasMore: Bool
    /// `SLOW_CONSUMER` when the log is marked for disconnection (HUB-11): the transport sends
    /// the error and closes; the session may resume.
    public var disconnect: ErrorCode?
    /// Ephemeral events were shed and the log is now below its high-water mark: the session
    /// layer re-sends the current state (typers, presence) of the session's topics (HUB-10).
    public var resyncEphemeral: Bool

    /// A result with the given fields.
    public init(count: Int, hasMore: Bool, disconnect: ErrorCode?, resyncEphemeral: Bool) {
        self.count = count
        self.hasMore = hasMore
        self.disconnect = disconnect
        self.resyncEphemeral = resyncEphemeral
    }
}

/// The answer to a cumulative acknowledgement.
public enum AckOutcome: Sendable, Equatable {
    /// This many durable events were freed (0 when the ack repeats the previous one).
    case freed(Int)
    /// The ack was not applied; the error says why (`ACK_OUT_OF_RANGE`).
    case rejected(ErrorCode)
}

/// The answer to a resumption rewind (HUB-13); its fields line up with the wire `ResumeResult`.
public enum RewindResult: Sendable, Equatable {
    /// Everything after the client's last processed event is retained; the next drains replay
    /// from `replayFrom` (nil when nothing was missed). `lastSeq` is the session's newest.
    case resumed(replayFrom: UInt64?, lastSeq: UInt64)
    /// The requested point cannot be replayed from the log: it is before `oldestRetained - 1`
    /// or after `lastSeq`, or `lost` durable events were dropped at the retention bound.
    case notRetained(oldestRetained: UInt64, lastSeq: UInt64, lost: Int)
}

/// A snapshot of a log's occupancy, for tests, metrics and memory accounting.
public struct QueueStatistics: Sendable, Equatable {
    /// Durable events retained (sent or not, not yet acknowledged).
    public var retainedEvents: Int
    /// Their size in the session's encoding.
    public var retainedBytes: Int
    /// Durable events not yet handed to the transport.
    public var unsentEvents: Int
    /// Ephemeral events waiting to be drained.
    public var pendingEphemeral: Int
    /// The newest durable sequence number.
    public var lastSeq: UInt64
    /// The newest acknowledged sequence number.
    public var ackedSeq: UInt64
    /// Whether the log is marked for disconnection (HUB-11).
    public var isMarkedSlowConsumer: Bool
    /// Durable events not retained since the mark (HUB-9).
    public var lostEvents: Int
}
