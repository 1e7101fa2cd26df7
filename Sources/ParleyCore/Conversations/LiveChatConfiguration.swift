/// The embedding server's settings for conversations and routing; every duration in
/// milliseconds of the injected clock. A duration of 0 turns its timer off.
public struct LiveChatConfiguration: Hashable, Sendable {
    /// Prefix of generated conversation ids (`c1`, `c2` …); give each node its own.
    public var conversationPrefix = "c"
    /// Prefix of generated invitation ids.
    public var invitationPrefix = "i"
    /// The team a `create` without a team goes to.
    public var defaultTeam = "default"
    /// Concurrency limit of an agent with no own limit and no team default (ROUTE-5).
    public var defaultMaxConcurrent = 3
    /// The highest concurrency limit an agent may ask for (ROUTE-5).
    public var maxConcurrentCap = 20
    /// The highest priority a visitor may request (ROUTE-3).
    public var maxPriority: UInt32 = 10
    /// How long an assigned agent has to write before the conversation is re-routed (ROUTE-9).
    public var answerTimeoutMs: UInt64 = 60_000
    /// How long an agent may stay disconnected before their conversations are re-routed (ROUTE-10).
    public var disconnectGraceMs: UInt64 = 30_000
    /// How long an active conversation may stay silent before it closes (CONV-22).
    public var inactivityTimeoutMs: UInt64 = 30 * 60_000
    /// How long after closing a conversation may be reopened (CONV-9).
    public var reopenWindowMs: UInt64 = 15 * 60_000
    /// Whether a conversation archived when its reopen window passes (CONV-34) stays in memory
    /// (no durable store: memory is the only copy), or leaves it for the host's store and is read
    /// back through an ``ArchiveQuery`` when a command needs it (STORE-5).
    public var keepsArchive = true
    /// How long an invitation waits for the visitor's answer before it expires (CONV-35).
    public var invitationTimeoutMs: UInt64 = 2 * 60_000
    /// How often queue positions are pushed when they change; 0 pushes after every input (ROUTE-8).
    public var queuePositionIntervalMs: UInt64 = 1_000
    /// Most open (queued, offline, active) conversations per visitor (CONV-1).
    public var maxOpenPerVisitor = 3
    /// Most attachments on one message (CONV-12).
    public var maxAttachments = 10
    /// Most events in one history page (CONV-15).
    public var historyPageMax = 100
    /// Most events in one search page, and the page size of a search that names none (CONV-36).
    public var searchPageMax = 50
    /// Most waiting conversations listed in one queue-feed message (ROUTE-15).
    public var queueFeedMax = 50
    /// Longest preview of a waiting visitor's first message in the queue feed, UTF-8 bytes (ROUTE-15).
    public var queuePreviewBytes = 200

    /// The defaults above.
    public init() {}
}
