import ParleyCore
import ParleyWire
import ParleyTransport

/// The whole reference server as one sans-I/O value, in two parts that share no state: the
/// session shard (`SessionShard`: one `ServerSession` per connection, the sessions with their
/// logs, the durability gate) and the hub (the rest: live chat, presence, typing, the sessions'
/// and users' records, abuse limits). They talk only through inputs queued in two mailboxes
/// (`ShardInput`, `HubInput`), each run in order — the seam along which the server's
/// sessions are to move to the event loops of their connections.
///
/// It does no I/O and reads no clock, so tests and the simulator drive it exactly as the
/// networked server does: each input takes `now` and returns the ``ServerOutput``s to carry
/// out; ``nextDeadline`` says when to call ``tick(now:)``.
///
/// ```swift
/// var core = ServerCore(configuration: configuration, now: now)
/// let (connection, outputs) = core.open(now: now, from: peerAddress)
/// perform(outputs)
/// perform(core.receive(hello, on: connection, now: now))  // → .authenticate(connection, auth)
/// perform(core.authenticated(try await myDirectory.check(auth), on: connection, now: now))
/// ```
///
/// It holds no authenticator: a `hello`'s credentials leave as ``ServerOutput/authenticate(_:_:)``
/// and the host answers with ``authenticated(_:on:now:)`` whenever its check completes
/// (``ReferenceAuthenticator`` is the reference server's: signed tokens and anonymous visitors).
public struct ServerCore: Sendable {
    /// The configuration the server runs with.
    public let configuration: ServerConfiguration
    /// The session layer: every connection's session machine, the sessions with their logs,
    /// their deadlines, writes and durability gate. The hub — the rest of this value — tells
    /// it ``ShardInput``s and hears its ``HubInput``s through ``mailboxes``, and reads nothing
    /// else of it but a few counts for the host.
    var shard: SessionShard
    /// The inputs waiting for the shard and for the hub, and the outputs for the host.
    var mailboxes = Mailboxes()
    /// Whether each input leaves what it causes queued in the two mailboxes, for the host to run
    /// one at a time in an order of its choosing (``runQueued(_:now:)``) — a simulator's seeded
    /// scheduler, playing a shard and a hub on threads of their own. ``flushDeferred(now:)``
    /// runs everything still queued. Off by default: each input runs to the end.
    public var stepsMailboxes = false
    /// The number of the next batch of durable changes (STORE-1).
    var nextBatch: UInt64 = 1
    /// Live chat: conversations, routing, history (read-only from outside).
    public internal(set) var chat: LiveChatCore<InMemoryConversationStore>
    /// Whether due flushes wait for ``flushDeferred(now:)`` — a host that runs inputs in
    /// batches calls it once per batch, so a session given many events in a batch hands them
    /// out at once — instead of the end of each input.
    public var defersFlushes = false
    /// Every live session (``SessionRecord``).
    var sessions: [String: SessionRecord] = [:]
    /// Every user with a live session (``UserRecord``).
    var users: [String: UserRecord] = [:]
    var chatTimers = DeadlineQueue<LiveChatTimer>()
    /// Presence of every user, aggregated over connections (PRES section).
    public internal(set) var presence: PresenceTracker
    /// Who types where (TYPE section).
    public internal(set) var typing: TypingTracker
    var presenceDeadline: Instant?
    var typingDeadline: Instant?
    /// The sessions subscribed to each feed: the index of the sessions' ``SessionRecord/feeds``,
    /// changed only with them.
    var feedSubscribers: [Feed: Set<String>] = [:]
    var nextConnection: UInt64 = 0
    var pending = PendingOutput()
    /// Commands waiting for archived conversations the store is reading, by read (STORE-5).
    var parked: [UInt64: ParkedCommand] = [:]
    var nextLoad: UInt64 = 0
    /// Per-source-address counts and windows (ABUSE-1…ABUSE-5).
    public internal(set) var addressLimiter: AddressLimiter
    /// The visitors staff blocked (ABUSE-8…ABUSE-12).
    var blocks = BlockList()

    /// Creates the server state at `now`, with the configured teams.
    public init(configuration: ServerConfiguration, now: Instant) {
        self.configuration = configuration
        shard = SessionShard(configuration: configuration)
        chat = LiveChatCore(store: InMemoryConversationStore(), configuration: configuration.chat)
        presence = PresenceTracker(configuration: configuration.presence)
        typing = TypingTracker(configuration: configuration.typing)
        addressLimiter = AddressLimiter(limits: configuration.session.address)
        for team in configuration.teams {
            let actions = chat.addTeam(team, defaultMaxConcurrent: configuration.chat.defaultMaxConcurrent, now: now)
            apply(actions, now: now)
        }
        _ = pending.take()
        mailboxes.step.removeAll()
    }

    /// Signs a token for `claims` with the server's key (scheme `token`, SESSION section):
    /// how an embedding application logs its agents in.
    public func mintToken(_ claims: TokenClaims) -> String? { SignedTokenAuthenticator(key: configuration.key).mint(claims) }

    /// The earliest instant at which ``tick(now:)`` has work, if any.
    public var nextDeadline: Instant? {
        [shard.nextDeadline, chatTimers.earliest, presenceDeadline, typingDeadline].compactMap { $0 }.min()
    }

    /// Number of open connections.
    public var connectionCount: Int { shard.connections.count }

    /// The session connection `id` carries and its user, once the handshake established it
    /// (its welcome may still wait for the store, STORE-1).
    public func establishedSession(on id: ConnectionID) -> (session: String, user: String)? {
        shard.establishedSession(on: id)
    }

    /// A transport opened a connection from `address` (the peer's, or the one a trusted proxy
    /// named) at `now`, carried as `profile` says: its welcome announces per-frame compression
    /// only on the byte stream, and only when the transport can compress (COMP-2). Over the
    /// address's connection limit it is refused at once: the error, then the close (ABUSE-2).
    /// `identity` is who the transport established the client to be before it opened (the
    /// host's login at the WebSocket upgrade): a hello of scheme `transport` is answered with
    /// it (SESSION-38).
    public mutating func open(
        now: Instant, from address: SourceAddress, profile: ConnectionProfile = ConnectionProfile(binding: .inProcess),
        identity: AuthenticatedIdentity? = nil
    ) -> (ConnectionID, [ServerOutput]) {
        nextConnection += 1
        let id = ConnectionID(rawValue: nextConnection)
        if let refusal = addressLimiter.connect(address, now: now) {
            let error = Message.error(refusal.reply("\(refusal.limit) connections are already open from this address", rid: nil))
            tell(.refuse(id, error, refusal.code))
        } else {
            let compresses = profile.binding == .stream && profile.compression != nil
            tell(.open(id, compresses: compresses, address: address, identity: identity))
        }
        return (id, emit(now: now))
    }

    /// A message decoded from connection `id`.
    public mutating func receive(_ message: Message, on id: ConnectionID, now: Instant) -> [ServerOutput] {
        tell(.message(id, message))
        return emit(now: now)
    }

    /// Bytes from connection `id` that did not decode (ERR-3, ERR-4); `messageType` when the
    /// payload's type was read but is unknown (VER-4).
    public mutating func receive(undecodable error: WireError, messageType: UInt64? = nil, on id: ConnectionID, now: Instant) -> [ServerOutput] {
        tell(.undecodable(id, error, messageType: messageType))
        return emit(now: now)
    }

    /// The transport of connection `id` closed (the peer left, or the server closed it).
    public mutating func connectionClosed(_ id: ConnectionID, now: Instant) -> [ServerOutput] {
        tell(.closed(id))
        return emit(now: now)
    }

    /// Fires every timer due at `now`: session deadlines and heartbeats, the end of resume
    /// windows, live-chat timers.
    public mutating func tick(now: Instant) -> [ServerOutput] {
        tell(.tick)
        while let (_, timer) = chatTimers.popDue(now: now) { apply(chat.timerFired(timer, now: now), now: now) }
        if let deadline = presenceDeadline, deadline <= now {
            presenceDeadline = nil
            apply(presence.tick(now: now), now: now)
        }
        if let deadline = typingDeadline, deadline <= now {
            typingDeadline = nil
            apply(typing.tick(now: now), now: now)
        }
        return emit(now: now)
    }

    /// Tells every client the server is going away (SERVER_SHUTDOWN with a reconnect delay).
    public mutating func shutdown(reconnectAfterMs: UInt64, now: Instant) -> [ServerOutput] {
        tell(.shutdown(reconnectAfterMs: reconnectAfterMs))
        return emit(now: now)
    }
}
