/// Tunables of the fan-out hub: how many shards topics spread over, and the bounds of every
/// subscriber's outbound queue (HUB-9…HUB-12).
public struct HubConfiguration: Sendable, Equatable {
    /// Number of independently locked shards that topics are spread over by hash (HUB-14).
    /// A server sets it to a small multiple of its core count.
    public var shardCount: Int
    /// The bounds every subscriber queue of this hub obeys.
    public var queue: QueueLimits

    /// A configuration with `shardCount` shards and the given queue limits.
    public init(shardCount: Int = 16, queue: QueueLimits = QueueLimits()) {
        precondition(shardCount > 0, "a hub needs at least one shard")
        self.shardCount = shardCount
        self.queue = queue
    }
}

/// The three levels of a subscriber queue's retained durable backlog, each in events and bytes
/// (of the subscriber's encoding): shed ephemerals at `highWater`, mark the subscriber for
/// disconnection beyond `disconnect`, never retain beyond `retention` (HUB-9…HUB-11).
public struct QueueLimits: Sendable, Equatable {
    /// At or above this backlog, ephemeral events are shed (HUB-10).
    public var highWater: QueueBound
    /// Beyond this backlog, the subscriber is marked for disconnection with SLOW_CONSUMER (HUB-11).
    public var disconnect: QueueBound
    /// The backlog never exceeds this; durable events that would are not retained (HUB-9).
    /// The room between `disconnect` and `retention` keeps what arrives while the slow
    /// connection is being closed, so the session can still resume without a gap.
    public var retention: QueueBound
    /// Most undrained ephemeral events (distinct coalescing keys) a queue holds (HUB-9).
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

/// A size bound on a queue's retained durable events: a count and a byte total.
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
