/// Service metrics of one conversation, exact to the millisecond of the injected clock
/// (CONV-26). Mirrors the wire's `ConversationMetrics`.
public struct ChatMetrics: Hashable, Sendable {
    /// From creation to the first assignment; `nil` until assigned.
    public var queueWaitMs: UInt64?
    /// From the first assignment to the first staff message; `nil` until then.
    public var firstResponseMs: UInt64?
    /// Number of transfers.
    public var transfers: UInt64
    /// From creation to the latest close (or abandonment); `nil` while open.
    public var durationMs: UInt64?

    /// Creates metrics.
    public init(queueWaitMs: UInt64?, firstResponseMs: UInt64?, transfers: UInt64, durationMs: UInt64?) {
        self.queueWaitMs = queueWaitMs
        self.firstResponseMs = firstResponseMs
        self.transfers = transfers
        self.durationMs = durationMs
    }
}
