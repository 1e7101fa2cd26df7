import ParleyCore
import ParleyWire

/// The hub's own facts about sessions and users, each in exactly one place. What the session
/// layer owns (connections, a session's log and resume window, results, subscriptions) stays in
/// the ``SessionShard``; conversations and routing in ``LiveChatCore``; presence and typing in
/// their trackers.
extension ServerCore {
    /// One live (attached or resumable) session, as the hub knows it.
    struct SessionRecord: Sendable {
        /// Whose session it is, in live-chat terms (from the identity the shard established).
        var identity: ChatIdentity
        /// The site (tenant) the session belongs to (PRES-11).
        var site: String
        /// The feed each subscribed topic resolved to when it was subscribed.
        var feeds: [String: Feed] = [:]
    }

    /// One user with a live session.
    struct UserRecord: Sendable {
        /// The user's live sessions, with the handles that reach their logs without hashing their ids.
        var sessions: [String: SessionHandle] = [:]
        /// How many of the user's connections are attached.
        var attached = 0
        /// The address the user last connected from (ABUSE-8: `address`).
        var address: SourceAddress?
    }

    /// The handle of `session`'s log, if it is live.
    func handle(of session: String) -> SessionHandle? {
        sessions[session].flatMap { users[$0.identity.user]?.sessions[session] }
    }
}
