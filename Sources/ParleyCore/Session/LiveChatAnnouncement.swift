import ParleyWire

/// The timers and caps of the live-chat layers — conversations and routing, presence, typing —
/// that the welcome announces next to the session's own limits (SESSION-37), so a client can
/// show "we will find another agent in 40 s" or "agents see what you type" from announced
/// values instead of guessing.
///
/// The embedding server builds it from the configurations of those layers, which own the
/// values; the session layer only writes them into the welcome.
public struct LiveChatAnnouncement: Sendable, Hashable {
    /// Conversation and routing rules (CONV, ROUTE).
    public var chat: LiveChatConfiguration
    /// Presence timing and limits (PRES).
    public var presence: PresenceConfiguration
    /// Typing timing and limits (TYPE).
    public var typing: TypingConfiguration
    /// Whether new conversations show agents the visitor's draft (TYPE-11).
    public var draftPreviews: Bool

    /// An announcement of these configurations.
    public init(chat: LiveChatConfiguration, presence: PresenceConfiguration, typing: TypingConfiguration, draftPreviews: Bool) {
        self.chat = chat
        self.presence = presence
        self.typing = typing
        self.draftPreviews = draftPreviews
    }

    /// Writes the announced fields into the welcome's `limits`.
    func announce(into limits: inout Wire.Limits) {
        limits.answerTimeoutMs = chat.answerTimeoutMs
        limits.disconnectGraceMs = chat.disconnectGraceMs
        limits.queuePositionIntervalMs = chat.queuePositionIntervalMs
        limits.reopenWindowMs = chat.reopenWindowMs
        limits.invitationTimeoutMs = chat.invitationTimeoutMs
        limits.inactivityTimeoutMs = chat.inactivityTimeoutMs
        limits.maxOpenConversations = UInt64(chat.maxOpenPerVisitor)
        limits.maxPriority = UInt64(chat.maxPriority)
        limits.defaultMaxConcurrent = UInt64(chat.defaultMaxConcurrent)
        limits.maxConcurrentCap = UInt64(chat.maxConcurrentCap)
        limits.queueFeedMax = UInt64(chat.queueFeedMax)
        limits.queuePreviewMax = UInt64(chat.queuePreviewBytes)
        limits.searchPageMax = UInt64(chat.searchPageMax)
        limits.presenceGraceMs = presence.gracePeriodMilliseconds
        limits.idleAwayMs = presence.idleAfterMilliseconds
        limits.maxStatusText = UInt64(presence.maxTextBytes)
        limits.maxPageField = UInt64(presence.maxPageFieldBytes)
        limits.typingExpiryMs = typing.expiryMilliseconds
        limits.typingThrottleMs = typing.throttleMilliseconds
        limits.typingRefreshMs = typing.refreshMilliseconds
        limits.maxPreview = UInt64(typing.maxPreviewBytes)
        limits.draftPreviews = draftPreviews
    }
}
