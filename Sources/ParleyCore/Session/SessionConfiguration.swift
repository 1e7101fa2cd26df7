import ParleyWire

/// Every limit and window of the session layer, with documented defaults (SESSION-8).
///
/// The announced part becomes the welcome's `Wire.Limits` (``limits``); the rest
/// (replay and result capacities, the abuse threshold) bounds the server's memory and is
/// described in Spec/session.md.
public struct SessionConfiguration: Sendable, Hashable {
    /// Protocol versions the server speaks, most preferred first (VER-1).
    public var supportedVersions: [UInt64] = [1]
    /// Largest frame payload accepted after the handshake (FRAME-6).
    public var maxFrame: UInt64 = 65_536
    /// Largest decoded message, enforced by the binding (SESSION-32).
    public var maxMessage: UInt64 = 65_536
    /// Largest `text` of a send, note or create, in UTF-8 bytes (SESSION-30).
    public var maxText: UInt64 = 8_192
    /// Sustained send/note/create commands per minute (SESSION-28).
    public var messageRate: UInt64 = 60
    /// Message burst: the bucket's capacity.
    public var messageBurst: UInt64 = 10
    /// Sustained typing signals per minute.
    public var typingRate: UInt64 = 120
    /// Typing burst.
    public var typingBurst: UInt64 = 10
    /// Sustained presence updates (setPresence, activity) per minute.
    public var presenceRate: UInt64 = 30
    /// Presence burst.
    public var presenceBurst: UInt64 = 5
    /// Idle time after which a side pings (SESSION-26).
    public var heartbeatMs: UInt64 = 25_000
    /// Silence after which a side declares its peer dead (SESSION-27).
    public var heartbeatTimeoutMs: UInt64 = 60_000
    /// How long a dropped session stays resumable (SESSION-15).
    public var resumeWindowMs: UInt64 = 120_000
    /// Most topics one session may subscribe to (SESSION-31).
    public var maxSubscriptions: UInt64 = 32
    /// How long a client message id is remembered after its result (SESSION-23).
    public var idempotencyWindowMs: UInt64 = 600_000
    /// Deadline from connection to welcome (SESSION-3).
    public var handshakeTimeoutMs: UInt64 = 10_000
    /// Most attachments on one send (SESSION-30).
    public var maxAttachments: UInt64 = 10
    /// Most events in one history page (announced; enforced by the conversation layer).
    public var historyPageMax: UInt64 = 100
    /// Most unacknowledged events an attached session may have before SLOW_CONSUMER; a
    /// session retains up to twice as many for its resumption (SESSION-33).
    public var maxRetainedEvents: Int = 4_096
    /// The same bound in bytes of the events' binary encoding (SESSION-33).
    public var maxRetainedBytes: Int = 4 << 20
    /// Most command results retained per session for re-sent commands (SESSION-19).
    public var maxRetainedResults: Int = 256
    /// Per-frame compression policy announced in the welcome (COMP-2); `nil` announces none.
    public var compression: Wire.Compression? = Wire.Compression(enabled: true, threshold: 512, level: 6)
    /// Consecutive rate-limited commands or signals after which the connection is closed
    /// with RATE_LIMIT_ABUSE (SESSION-29).
    public var rateAbuseThreshold: Int = 10
    /// How long an idempotency key whose command is still in progress blocks a
    /// retransmission with a different request id (SESSION-25): the retryAfterMs sent.
    public var inProgressRetryAfterMs: UInt64 = 1_000

    /// Per-source-address limits (ABUSE-1…ABUSE-5), announced in the welcome. Unlimited by
    /// default for embedders and tests; `parley serve` uses ``AddressLimits/init()``'s
    /// reference values.
    public var address = AddressLimits.unlimited

    /// The live-chat timers and caps the welcome announces too (SESSION-37); the embedding
    /// server sets it from the layers that own them. `nil` announces none.
    public var announcement: LiveChatAnnouncement?

    /// The defaults above.
    public init() {}

    /// The bounds of each session's outbound log (SESSION-33, HUB-9…11): ephemeral shedding at
    /// a quarter of the retained-event bounds, SLOW_CONSUMER beyond them, nothing retained
    /// beyond twice them.
    public var eventLimits: QueueLimits {
        QueueLimits(
            highWater: QueueBound(events: maxRetainedEvents / 4, bytes: maxRetainedBytes / 4),
            disconnect: QueueBound(events: maxRetainedEvents, bytes: maxRetainedBytes),
            retention: QueueBound(events: 2 * maxRetainedEvents, bytes: 2 * maxRetainedBytes))
    }

    /// The limits announced in the welcome.
    public var limits: Wire.Limits {
        var limits = Wire.Limits(
            maxFrame: maxFrame, maxMessage: maxMessage, maxText: maxText,
            messageRate: messageRate, messageBurst: messageBurst,
            typingRate: typingRate, typingBurst: typingBurst,
            presenceRate: presenceRate, presenceBurst: presenceBurst,
            heartbeatMs: heartbeatMs, heartbeatTimeoutMs: heartbeatTimeoutMs,
            resumeWindowMs: resumeWindowMs, maxSubscriptions: maxSubscriptions,
            idempotencyWindowMs: idempotencyWindowMs, handshakeTimeoutMs: handshakeTimeoutMs,
            maxAttachments: maxAttachments, historyPageMax: historyPageMax,
            maxUnackedEvents: UInt64(maxRetainedEvents), maxUnackedBytes: UInt64(maxRetainedBytes))
        address.announce(into: &limits)
        limits.rateAbuseThreshold = UInt64(rateAbuseThreshold)
        announcement?.announce(into: &limits)
        return limits
    }
}
