import ParleyCore
import ParleyWire

/// What a ``SessionShard`` is told: by the transports through ``ServerCore``'s entry points
/// (a connection opened, a message arrived, it closed), and by the hub — the rest of the
/// server — about the sessions the shard holds (a result, deliveries, a sign-out). The hub
/// never reads or changes the shard's state any other way.
enum ShardInput: Sendable {
    // Cases carrying a message or an identity are boxed, so an input queued in the mailbox
    // stays a few words (as `ServerSession.Action`'s).
    /// A connection opened (it passed the address's connection limit, ABUSE-2): start its
    /// session machine, with per-frame compression announced when it `compresses` (COMP-2).
    indirect case open(ConnectionID, compresses: Bool, address: SourceAddress, identity: AuthenticatedIdentity?)
    /// A connection refused as it opened: this `error`, then the close (ABUSE-2).
    indirect case refuse(ConnectionID, Message, ErrorCode)
    /// A message decoded from a connection (a command whose rid is still in progress, its
    /// result held for the store, is refused: SESSION-12).
    indirect case message(ConnectionID, Message)
    /// Bytes from a connection that did not decode (ERR-3, ERR-4), with the message type when
    /// it was read (VER-4).
    indirect case undecodable(ConnectionID, WireError, messageType: UInt64?)
    /// A connection's transport closed.
    case closed(ConnectionID)
    /// The host's authenticator answered a connection's credentials; the hub's admission
    /// (blocks, ABUSE-10) comes next.
    indirect case answered(ConnectionID, Result<AuthenticatedIdentity, AuthFailure>)
    /// The answer to a connection's credentials, after the hub's admission: the welcome or the refusal.
    indirect case authenticated(ConnectionID, Result<AuthenticatedIdentity, AuthFailure>)
    /// A command's result for a session (SESSION-12).
    indirect case complete(session: String, Message)
    /// An event for each of these sessions' logs, stamped with each session's own seq (HUB-6).
    case deliver(SharedEvent, [SessionHandle])
    /// An ephemeral message for these sessions, if attached (coalesced or shed, HUB-8, HUB-10).
    case deliverEphemeral(SharedEvent, [SessionHandle])
    /// A message to a connection outside its session machine (a refused signal, a rid in
    /// progress), after what its log already holds.
    indirect case send(ConnectionID, Message)
    /// The hub made durable-change batch `id`: what the shard writes from now on waits for it (STORE-1).
    case unconfirmed(UInt64)
    /// The store confirmed batch `id` durable: what waited for it (and every batch before it) goes out.
    case confirmed(UInt64)
    /// The store could not write batch `id`: the command results held behind it or a later
    /// batch are answered STORE_UNAVAILABLE now, with `retryAfterMs` (STORE-3).
    case storeFailed(UInt64, retryAfterMs: UInt64)
    /// Ends every connection attached to one of these sessions — with `login`, only those whose
    /// credentials came from that login — with a fatal error; the sessions stay resumable
    /// (SESSION-39, ABUSE-9).
    indirect case endConnections(sessions: [String], login: String?, Termination)
    /// The clock reached the shard's next deadline.
    case tick
    /// The server is going away (SERVER_SHUTDOWN).
    case shutdown(reconnectAfterMs: UInt64)
    /// A batch of inputs ended: due session logs hand out what they hold (HUB-20).
    case endBatch
    /// Rebuild the idempotency keys of the last window from the events a store kept (STORE-6).
    indirect case restoreIdempotency([ChatEvent])
}

/// A fatal error that ends a connection: its code, message, requirement and retry time.
struct Termination: Sendable {
    var code: ErrorCode
    var message: String
    var requirement: String
    var retryAfterMs: UInt64?
}
