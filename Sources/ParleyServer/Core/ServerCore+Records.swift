import ParleyCore
import ParleyWire

/// The server layer's own facts, one record per connection, per session and per user, each
/// in exactly one place. What the session layer owns (a session's log, its identity as
/// authenticated, results, the subscription count) stays in ``SessionRegistry``; conversations
/// and routing in ``LiveChatCore``; presence and typing in their trackers.
extension ServerCore {
    /// One open connection: its session machine, where it comes from, its armed deadline, and
    /// — once its handshake completed — the session it carries (whose record says who it is).
    struct Connection: Sendable {
        var machine: ServerSession
        /// The client's address (ABUSE-1…ABUSE-5).
        let address: SourceAddress
        /// The deadline armed in the timer queue; an entry of the queue that differs is stale.
        var deadline: Instant?
        /// The session this connection carries, `nil` before the welcome and after it was
        /// replaced, blocked or ended; while set, the session's record exists.
        var session: String?
        /// Who the transport established the client to be before the connection opened (the
        /// host's login, checked at the WebSocket upgrade): the answer to a hello of scheme
        /// `transport` (SESSION-38).
        let transportIdentity: OutOfLine<AuthenticatedIdentity>?
        /// When the credentials of the session this connection carries expire (SESSION-39);
        /// an entry of ``ServerCore/credentialExpiries`` that differs is stale.
        var credentialsExpireAt: Instant?
        /// The host's login session the credentials of the carried session come from (SESSION-39).
        var login: String?
    }

    /// One live (attached or resumable) session, as the server layer knows it.
    struct SessionRecord: Sendable {
        /// Whose session it is, in live-chat terms (from the registry's identity, once).
        var identity: ChatIdentity
        /// The site (tenant) the session belongs to (PRES-11).
        var site: String
        /// The feed each subscribed topic resolved to when it was subscribed.
        var feeds: [String: Feed] = [:]
        /// Conversations whose typing set the session's log shed while it was far behind (HUB-19).
        var staleTypers: Set<String> = []
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

    /// The session connection `id` carries and its record, once attached.
    func attachment(of id: ConnectionID) -> (session: String, record: SessionRecord)? {
        guard let session = connections[id]?.session, let record = sessions[session] else { return nil }
        return (session, record)
    }

    /// Detaches connection `id` from its session and user, if it was attached.
    mutating func detach(_ id: ConnectionID, now: Instant) {
        guard let attachment = attachment(of: id) else { return }
        connections[id]?.session = nil
        userDetached(attachment.record.identity, connection: id, now: now)
    }
}
