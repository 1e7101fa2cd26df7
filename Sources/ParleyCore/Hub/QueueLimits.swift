/// The three levels of an outbound log's retained durable backlog, each in events and bytes
/// (of the session's encoding): shed ephemerals at `highWater`, mark the session for
/// disconnection beyond `disconnect`, never retain beyond `retention` (HUB-9…HUB-11).
public struct QueueLimits: Sendable, Equatable {
    /// At or above this backlog, ephemeral events are shed (HUB-10).
    public var highWater: QueueBound
    /// Beyond this backlog, the session is marked for disconnection with SLOW_CONSUMER (HUB-11).
    public var disconnect: QueueBound
    /// The backlog never exceeds this; durable events that would are not retained (HUB-9).
    /// The room between `disconnect` and `retention` keeps what arrives while the slow
    /// connection is being closed, so the session can still resume without a gap.
    public var retention: QueueBound
    /// Most undrained ephemeral events (distinct coalescing keys) a log holds (HUB-9).
    public var maxPendingEphemeral: Int

    /// Limits with defaults sized for a chat session: 1,000 / 4,000 / 8,000 events and
    /// 1 / 4 / 8 MiB, 256 pending ephemeral keys.
    public init(
        highWater: QueueBound = QueueBound(events: 1_000, bytes: 1 << 20),
        disconnect: QueueBound = QueueBound(events: 4_000, bytes: 4 << 20),
        retention: QueueBound = QueueBound(events: 8_000, bytes: 8 << 20),
        maxPendingEphemeral: Int = 256
    ) {
        precondition(
            highWater.events <= disconnect.events && disconnect.events <= retention.events
                && highWater.bytes <= disconnect.bytes && disconnect.bytes <= retention.bytes,
            "queue limits must satisfy highWater ≤ disconnect ≤ retention")
        precondition(maxPendingEphemeral >= 0, "maxPendingEphemeral must not be negative")
        self.highWater = highWater
        self.disconnect = disconnect
        self.retention = retention
        self.maxPendingEphemeral = maxPendingEphemeral
    }
}

/// A size bound on a log's retained durable events: a count and a byte total.
public struct QueueBound: Sendable, Equatable {
    /// Maximum number of events.
    public var events: Int
    /// Maximum number of bytes.
    public var bytes: Int

    /// A bound of `events` events and `bytes` bytes.
    public init(events: Int, bytes: Int) {
        self.events = events
        self.bytes = bytes
    }

    /// Whether a backlog of `events` events and `bytes` bytes goes beyond this bound.
    func isExceeded(events: Int, bytes: Int) -> Bool { events > self.events || bytes > self.bytes }

    /// Whether a backlog of `events` events and `bytes` bytes has reached this bound.
    func isReached(events: Int, bytes: Int) -> Bool { events >= self.events || bytes >= self.bytes }
}
