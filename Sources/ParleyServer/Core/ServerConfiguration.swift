import ParleyCore

/// Everything the reference server can be told: session limits, live-chat rules, the teams it
/// routes to and the keys it signs tokens with.
public struct ServerConfiguration: Sendable {
    /// Session limits announced in the welcome and enforced (SESSION section).
    public var session: SessionConfiguration
    /// Conversation and routing rules (CONV, ROUTE sections).
    public var chat: LiveChatConfiguration
    /// Teams and their default concurrency limit; agents' token teams must be among them.
    public var teams: [String]
    /// The HMAC key for agent tokens, anonymous-visitor tokens and resume tokens.
    public var key: [UInt8]
    /// A name for this server instance, part of session and visitor ids. A server that keeps
    /// its conversations across restarts (STORE-6) needs a new one for every run: anonymous
    /// visitor ids are minted from it and a counter, so a name used again would give a new
    /// visitor the id — and the conversations — of an earlier one.
    public var instance: String
    /// The site (tenant) of users whose identity names none (PRES-11).
    public var site: String
    /// Presence timing: grace, idle, coalescing (PRES section).
    public var presence: PresenceConfiguration
    /// Typing timing: expiry, throttle (TYPE section).
    public var typing: TypingConfiguration
    /// Whether agents see the visitor's unsent draft in every new conversation (TYPE-11);
    /// off by default, and announced so a widget can tell the visitor.
    public var draftPreviews = false

    /// The session configuration the server runs with: ``session`` plus the announcement of
    /// the live-chat timers and caps in the welcome (SESSION-37).
    public var announcedSession: SessionConfiguration {
        var announced = session
        announced.announcement = LiveChatAnnouncement(chat: chat, presence: presence, typing: typing, draftPreviews: draftPreviews)
        return announced
    }

    /// A configuration with development defaults; pass a secret `key` in production.
    public init(
        key: [UInt8], instance: String = "p1", teams: [String] = ["support"],
        session: SessionConfiguration = SessionConfiguration(), chat: LiveChatConfiguration = LiveChatConfiguration(),
        presence: PresenceConfiguration = PresenceConfiguration(), typing: TypingConfiguration = TypingConfiguration(),
        site: String = "default"
    ) {
        self.key = key
        self.site = site
        self.presence = presence
        self.typing = typing
        self.instance = instance
        self.teams = teams.isEmpty ? ["support"] : teams
        self.session = session
        var chat = chat
        chat.defaultTeam = self.teams[0]
        chat.historyPageMax = Int(session.historyPageMax)
        chat.maxAttachments = Int(session.maxAttachments)
        self.chat = chat
    }
}
