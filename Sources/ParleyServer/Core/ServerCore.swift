import ParleyCore
import ParleyWire
import ParleyTransport

/// The whole reference server as one sans-I/O value: the session layer (one
/// `ServerSession` per connection and the `SessionRegistry`), the live-chat core
/// (conversations and routing) and the glue between them.
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
    var registry: SessionRegistry
    /// What every session machine runs with, shared: the announced configuration, and the same
    /// without per-frame compression for connections that cannot have it (COMP-2).
    let sessionConfigurations: (compressing: SharedSessionConfiguration, plain: SharedSessionConfiguration)
    /// The live-chat core: conversations, routing, history (read-only from outside).
    public internal(set) var chat: LiveChatCore<InMemoryConversationStore>
    /// Every open connection (``Connection``).
    var connections = SlotMap<ConnectionID, Connection>()
    /// The connections' armed deadlines (entries that no longer match a connection's are skipped).
    var connectionTimerQueue = DeadlineQueue<ConnectionID>()
    /// When the credentials of established connections expire (SESSION-39; entries that no
    /// longer match a connection's are skipped).
    var credentialExpiries = DeadlineQueue<ConnectionID>()
    /// Session inputs waiting to run (``run(_:on:now:)``), and whether they are being run.
    var sessionInputs: [(ConnectionID, SessionInput)] = []
    var runningSessionInputs = false
    /// Connections whose session logs hold events not handed out yet and no flush is queued for
    /// (a set apart from ``connections``: marking one copies no connection record).
    var flushesDue: Set<ConnectionID> = []
    /// ``flushesDue`` in the order they became due.
    var dueFlushes: [ConnectionID] = []
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
    /// What waits for the store's confirmations (STORE-1…STORE-3).
    var gate = DurabilityGate()
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
        registry = SessionRegistry(configuration: configuration.announcedSession, key: configuration.key, instance: configuration.instance)
        var plain = configuration.announcedSession
        plain.compression = nil
        sessionConfigurations = (SharedSessionConfiguration(configuration.announcedSession), SharedSessionConfiguration(plain))
        chat = LiveChatCore(store: InMemoryConversationStore(), configuration: configuration.chat)
        presence = PresenceTracker(configuration: configuration.presence)
        typing = TypingTracker(configuration: configuration.typing)
        addressLimiter = AddressLimiter(limits: configuration.session.address)
        for team in configuration.teams {
            let actions = chat.addTeam(team, defaultMaxConcurrent: configuration.chat.defaultMaxConcurrent, now: now)
            apply(actions, now: now)
        }
        _ = pending.take()
    }

    /// Signs a token for `claims` with the server's key (scheme `token`, SESSION section):
    /// how an embedding application logs its agents in.
    public func mintToken(_ claims: TokenClaims) -> String? { SignedTokenAuthenticator(key: configuration.key).mint(claims) }

    /// The earliest instant at which ``tick(now:)`` has work, if any.
    public var nextDeadline: Instant? {
        [connectionTimerQueue.earliest, credentialExpiries.earliest, chatTimers.earliest, registry.nextDeadline, presenceDeadline,
         typingDeadline]
            .compactMap { $0 }.min()
    }

    /// Number of open connections.
    public var connectionCount: Int { connections.count }

    /// The session connection `id` carries and its user, once the handshake established it
    /// (its welcome may still wait for the store, STORE-1).
    public func establishedSession(on id: ConnectionID) -> (session: String, user: String)? {
        attachment(of: id).map { ($0.session, $0.record.identity.user) }
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
            pending.send(.message(.error(refusal.reply(
                "\(refusal.limit) connections are already open from this address", rid: nil))), to: id)
            pending.close(id, refusal.code)
            return (id, emit(now: now))
        }
        let compresses = profile.binding == .stream && profile.compression != nil
        var machine = ServerSession(
            connection: id, configuration: compresses ? sessionConfigurations.compressing : sessionConfigurations.plain, now: now)
        let actions = machine.start(now: now)
        connections[id] = Connection(machine: machine, address: address, transportIdentity: identity.map(OutOfLine.init))
        perform(actions, on: id, now: now)
        return (id, emit(now: now))
    }

    /// A message decoded from connection `id`.
    public mutating func receive(_ message: Message, on id: ConnectionID, now: Instant) -> [ServerOutput] {
        if let rid = message.commandRID, gate.holdsResult(rid: rid, for: id) {
            // The earlier command with this rid is still in progress for the client: its result
            // waits for the store (SESSION-12, STORE-1).
            flushNow(id, now: now)
            pending.send(.message(.error(Wire.ErrorReply(
                rid: rid, code: UInt64(ErrorCode.duplicateRequestId.rawValue), message: "rid \(rid) is still in progress",
                requirement: "SESSION-12"))), to: id)
        } else {
            run(.message(message), on: id, now: now)
        }
        return emit(now: now)
    }

    /// Bytes from connection `id` that did not decode (ERR-3, ERR-4); `messageType` when the
    /// payload's type was read but is unknown (VER-4).
    public mutating func receive(undecodable error: WireError, messageType: UInt64? = nil, on id: ConnectionID, now: Instant) -> [ServerOutput] {
        run(.undecodable(error, messageType: messageType), on: id, now: now)
        return emit(now: now)
    }

    /// The transport of connection `id` closed (the peer left, or the server closed it).
    public mutating func connectionClosed(_ id: ConnectionID, now: Instant) -> [ServerOutput] {
        guard var connection = connections.removeValue(forKey: id) else { return [] }
        flushesDue.remove(id)  // what its log holds waits there for a resume (SESSION-15)
        gate.drop(id)
        addressLimiter.disconnect(connection.address, now: now)
        connection.machine.connectionLost(now: now, registry: &registry)
        if let session = connection.session, let record = sessions[session] { userDetached(record.identity, connection: id, now: now) }
        return emit(now: now)
    }

    /// Fires every timer due at `now`: session deadlines and heartbeats, live-chat timers, the
    /// end of resume windows.
    public mutating func tick(now: Instant) -> [ServerOutput] {
        while let (deadline, id) = connectionTimerQueue.popDue(now: now) {
            guard connections[id]?.deadline == deadline else { continue }  // re-armed or cancelled since
            connections[id]?.deadline = nil
            run(.tick, on: id, now: now)
        }
        while let (deadline, id) = credentialExpiries.popDue(now: now) {
            guard connections[id]?.credentialsExpireAt == deadline else { continue }  // closed or re-authenticated since
            end(id, .credentialsExpired, "the credentials expired", requirement: "SESSION-39", now: now)
        }
        while let (_, timer) = chatTimers.popDue(now: now) { apply(chat.timerFired(timer, now: now), now: now) }
        if let deadline = presenceDeadline, deadline <= now {
            presenceDeadline = nil
            apply(presence.tick(now: now), now: now)
        }
        if let deadline = typingDeadline, deadline <= now {
            typingDeadline = nil
            apply(typing.tick(now: now), now: now)
        }
        for session in registry.expire(now: now) { sessionEnded(session, now: now) }
        return emit(now: now)
    }

    /// Tells every client the server is going away (SERVER_SHUTDOWN with a reconnect delay).
    public mutating func shutdown(reconnectAfterMs: UInt64, now: Instant) -> [ServerOutput] {
        for id in connections.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            run(.shutdown(reconnectAfterMs: reconnectAfterMs), on: id, now: now)
        }
        return emit(now: now)
    }

    /// Runs `input` on connection `id`'s machine and carries out its actions, then every input
    /// those actions queued, in order. Called while inputs are being run, it only queues: no
    /// machine is called while another's (or its own) actions are still being carried out.
    mutating func run(_ input: SessionInput, on id: ConnectionID, now: Instant) {
        if !input.isFlush, !flushesDue.isEmpty, flushesDue.remove(id) != nil {
            // What the session's log was given before this input goes out before what it causes.
            sessionInputs.append((id, .flush))
        }
        sessionInputs.append((id, input))
        guard !runningSessionInputs else { return }
        runningSessionInputs = true
        var next = 0
        while next < sessionInputs.count {
            let (id, input) = sessionInputs[next]
            next += 1
            handle(input, on: id, now: now)
        }
        sessionInputs.removeAll(keepingCapacity: true)
        runningSessionInputs = false
    }

    /// Runs one input on connection `id`'s machine, in place (no copy of the machine), and
    /// carries out its actions.
    private mutating func handle(_ input: SessionInput, on id: ConnectionID, now: Instant) {
        guard let index = connections.slot(forKey: id) else { return }
        let actions: [ServerSession.Action]
        switch input {
        case .message(let message):
            actions = connections[slot: index].machine.receive(message, now: now, registry: &registry)
        case .undecodable(let error, let messageType):
            actions = connections[slot: index].machine.receive(undecodable: error, messageType: messageType, now: now, registry: &registry)
        case .tick:
            actions = connections[slot: index].machine.tick(now: now, registry: &registry)
        case .shutdown(let reconnectAfterMs):
            actions = connections[slot: index].machine.shutdown(reconnectAfterMs: reconnectAfterMs, now: now, registry: &registry)
        case .authenticated(let result):
            let result = admitted(result, on: id, now: now)  // reads the machine's awaited credentials
            actions = connections[slot: index].machine.authenticated(result, now: now, registry: &registry)
            perform(actions, on: id, now: now)
            if case .success(let authenticated) = result { noteEstablished(id, authenticated, now: now) }
            return
        case .complete(let result):
            actions = connections[slot: index].machine.complete(result, now: now, registry: &registry)
        case .flush:
            flushesDue.remove(id)
            actions = connections[slot: index].machine.flushEvents(now: now, registry: &registry)
        case .replaced:
            actions = connections[slot: index].machine.replaced(now: now)
        case .terminate(let code, let message, let requirement, let retryAfterMs):
            actions = connections[slot: index].machine.terminate(
                code, message, requirement: requirement, retryAfterMs: retryAfterMs, now: now, registry: &registry)
        }
        perform(actions, on: id, now: now)
    }
}
