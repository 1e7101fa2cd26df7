import ParleyCore
import ParleyWire

/// What a ``SessionShard`` tells the hub — the rest of ``ServerCore``: live chat, presence,
/// typing, the users and their sessions, abuse limits — about its connections and sessions.
/// The shard never reads or changes the hub's state any other way; it says what it knows,
/// with the facts the hub needs (the connection's address, the peer's frame limit).
enum HubInput: Sendable {
    // Cases carrying a message, credentials or an identity are boxed, so an input queued in
    // the mailbox stays a few words (as `ServerSession.Action`'s).
    /// A hello's credentials, for the per-address admission checks (ABUSE-3, ABUSE-4) and then
    /// the host's authenticator; `transport` is who the connection's transport established the
    /// client to be, for a hello of scheme `transport` (SESSION-38).
    indirect case admit(ConnectionID, Wire.Auth, address: SourceAddress, transport: AuthenticatedIdentity?)
    /// The host's answer to a connection's credentials, for the hub's admission (ABUSE-4, ABUSE-10).
    indirect case answered(ConnectionID, Result<AuthenticatedIdentity, AuthFailure>, address: SourceAddress, anonymous: Bool)
    /// A connection now carries `session` (new or resumed) of `identity`.
    indirect case established(Established)
    /// A command or signal from the session a connection carries.
    indirect case dispatch(Dispatch)
    /// A session's log caught up after shedding ephemeral messages (HUB-10, HUB-19): send it
    /// the current state of its feeds and of the typing sets it missed.
    indirect case resync(session: String, staleTypers: Set<String>)
    /// A connection no longer carries `session` (closed, replaced, ended); the session stays
    /// resumable unless ``sessionEnded(_:)`` follows.
    case detached(ConnectionID, session: String)
    /// A session ended: its resume window passed, or it said goodbye (SESSION-15, SESSION-34).
    case sessionEnded(String)
    /// A connection from `address` closed.
    case closed(SourceAddress)

    /// A connection established its session.
    struct Established: Sendable {
        var connection: ConnectionID
        var session: String
        /// Reaches the session's log on its shard without its id.
        var handle: SessionHandle
        var identity: Wire.Identity
        /// What the host's authenticator vouched for the user (CONV-20).
        var vouched: [Wire.Property]
        var address: SourceAddress
    }

    /// A command or signal, with what the hub needs to answer it.
    struct Dispatch: Sendable {
        var message: Message
        var connection: ConnectionID
        var session: String
        /// The largest frame the peer takes: a result is fitted to it (ResultFit).
        var maxFrame: UInt64
        var address: SourceAddress
    }
}
