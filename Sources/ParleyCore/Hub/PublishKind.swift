/// How a published event enters subscriber queues.
public enum PublishKind: Sendable, Equatable {
    /// A durable event: numbered per session and retained until acknowledged (HUB-7).
    case durable
    /// An ephemeral state, replacing an undrained one with the same key (HUB-8).
    case ephemeral(CoalescingKey)
}

/// What one publish did, counted over the topic's subscriber queues.
public struct PublishReport: Sendable, Equatable {
    /// Queues the event entered (queued or coalesced).
    public var delivered = 0
    /// Queues that shed the (ephemeral) event (HUB-10).
    public var shed = 0
    /// Queues that did not retain the (durable) event: marked and at their retention bound (HUB-9).
    public var dropped = 0
    /// Queues this publish marked SLOW_CONSUMER (HUB-11).
    public var markedSlowConsumer = 0

    /// An empty report.
    public init() {}
}
