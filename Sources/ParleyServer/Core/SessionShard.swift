import ParleyCore
import ParleyWire

/// The session layer of a set of connections, as one sans-I/O value: each connection's
/// ``ServerSession``, the sessions they carry with their logs (``SessionRegistry``), their
/// deadlines, and the writes they produce.
///
/// It runs one ``ShardInput`` at a time (``receive(_:now:)``) and tells the hub — the rest of
/// ``ServerCore`` — what the hub must know through ``HubInput``s it collects in order
/// (``takeOutbox()``). It never reads the hub's state, nor the hub its state: that is what lets
/// each event loop own a shard of its connections (issue 17). Today ``ServerCore`` holds one.
struct SessionShard: Sendable {
    /// Every session of the shard, attached or resumable, with its log.
    var registry: SessionRegistry
    /// What every session machine runs with, shared: the announced configuration, and the same
    /// without per-frame compression for connections that cannot have it (COMP-2).
    let sessionConfigurations: (compressing: SharedSessionConfiguration, plain: SharedSessionConfiguration)
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
    /// Conversations whose typing set a session's log shed while it was far behind (HUB-19), by session.
    var staleTypers: [String: Set<String>] = [:]
    /// The writes and closes of the input under way.
    var sends = ConnectionSends()
    /// What waits for the store's confirmations (STORE-1…STORE-3).
    var gate = DurabilityGate()
    /// What the host must do, past the gate (``takeOutputs()``).
    var outputs: [ServerOutput] = []
    /// What the hub must hear, in the order it happened (``takeOutbox()``).
    var outbox: [HubInput] = []

    /// One open connection: its session machine, where it comes from, its armed deadline, and
    /// — once its handshake completed — the session it carries.
    struct Connection: Sendable {
        var machine: ServerSession
        /// The client's address (ABUSE-1…ABUSE-5).
        let address: SourceAddress
        /// The deadline armed in the timer queue; an entry of the queue that differs is stale.
        var deadline: Instant?
        /// The session this connection carries, `nil` before the welcome and after it was
        /// replaced, blocked or ended.
        var session: String?
        /// Who the transport established the client to be before the connection opened (the
        /// host's login, checked at the WebSocket upgrade): the answer to a hello of scheme
        /// `transport` (SESSION-38).
        let transportIdentity: OutOfLine<AuthenticatedIdentity>?
        /// When the credentials of the session this connection carries expire (SESSION-39);
        /// an entry of ``SessionShard/credentialExpiries`` that differs is stale.
        var credentialsExpireAt: Instant?
        /// The host's login session the credentials of the carried session come from (SESSION-39).
        var login: String?
    }

    /// A shard whose sessions run with `configuration`.
    init(configuration: ServerConfiguration) {
        registry = SessionRegistry(configuration: configuration.announcedSession, key: configuration.key, instance: configuration.instance)
        var plain = configuration.announcedSession
        plain.compression = nil
        sessionConfigurations = (SharedSessionConfiguration(configuration.announcedSession), SharedSessionConfiguration(plain))
    }

    /// The earliest instant at which a ``ShardInput/tick`` has work, if any.
    var nextDeadline: Instant? {
        [connectionTimerQueue.earliest, credentialExpiries.earliest, registry.nextDeadline].compactMap { $0 }.min()
    }

    /// The source address of connection `id` (loopback for one refused before it was admitted).
    func address(of id: ConnectionID) -> SourceAddress { connections[id]?.address ?? .loopback }

    /// Whether connection `id` waits for the answer to its credentials.
    func awaitsAuthentication(on id: ConnectionID) -> Bool { connections[id]?.machine.awaitedCredentials != nil }

    /// The session connection `id` carries and its user.
    func establishedSession(on id: ConnectionID) -> (session: String, user: String)? {
        guard let session = connections[id]?.session, let identity = registry.identity(of: session) else { return nil }
        return (session, identity.user)
    }

    /// What the host must do after the inputs run so far: the sends and closes the gate lets
    /// through, in the order they were produced.
    mutating func takeOutputs() -> [ServerOutput] {
        outputs += gate.pass(sends.take())
        defer { outputs.removeAll(keepingCapacity: true) }
        return outputs
    }

    /// What the hub must hear, emptying the outbox.
    mutating func takeOutbox() -> [HubInput] {
        defer { outbox.removeAll(keepingCapacity: true) }
        return outbox
    }

    /// Runs one input.
    mutating func receive(_ input: ShardInput, now: Instant) {
        switch input {
        case .open(let id, let compresses, let address, let identity):
            var machine = ServerSession(
                connection: id, configuration: compresses ? sessionConfigurations.compressing : sessionConfigurations.plain, now: now)
            let actions = machine.start(now: now)
            connections[id] = Connection(machine: machine, address: address, transportIdentity: identity.map(OutOfLine.init))
            perform(actions, on: id, now: now)
        case .refuse(let id, let message, let code):
            sends.send(.message(message), to: id)
            sends.close(id, code)
        case .message(let id, let message):
            if let rid = message.commandRID, gate.holdsResult(rid: rid, for: id) {
                // The earlier command with this rid is still in progress for the client: its
                // result waits for the store (SESSION-12, STORE-1).
                send(.error(Wire.ErrorReply(
                    rid: rid, code: UInt64(ErrorCode.duplicateRequestId.rawValue), message: "rid \(rid) is still in progress",
                    requirement: "SESSION-12")), to: id, now: now)
            } else {
                run(.message(message), on: id, now: now)
            }
        case .undecodable(let id, let error, let messageType):
            run(.undecodable(error, messageType: messageType), on: id, now: now)
        case .closed(let id):
            closed(id, now: now)
        case .answered(let id, let result):
            guard let connection = connections[id], let awaited = connection.machine.awaitedCredentials else { return }
            outbox.append(.answered(id, result, address: connection.address, anonymous: awaited.scheme == "anonymous"))
        case .authenticated(let id, let result):
            run(.authenticated(result), on: id, now: now)
        case .complete(let session, let result):
            complete(result, session: session, now: now)
        case .deliver(let event, let handles):
            for handle in handles {
                if let id = registry.enqueue(event, to: handle) { flushLater(id) }
            }
        case .deliverEphemeral(let message, let handles):
            for handle in handles { deliverEphemeral(message, to: handle) }
        case .send(let id, let message):
            send(message, to: id, now: now)
        case .unconfirmed(let batch):
            gate.unconfirmed(batch)
        case .confirmed(let batch):
            outputs += gate.confirm(batch)
        case .storeFailed(let batch, let retryAfterMs):
            withhold(dependingOn: batch, retryAfterMs: retryAfterMs)
        case .endConnections(let sessions, let login, let termination):
            let ended = Set(sessions)
            let ids = connections.keys.filter { id in
                guard let connection = connections[id], let session = connection.session else { return false }
                return ended.contains(session) && (login == nil || connection.login == login)
            }
            for id in ids.sorted(by: { $0.rawValue < $1.rawValue }) { end(id, termination, now: now) }
        case .tick:
            tick(now: now)
        case .shutdown(let reconnectAfterMs):
            for id in connections.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                run(.shutdown(reconnectAfterMs: reconnectAfterMs), on: id, now: now)
            }
        case .endBatch:
            flushDue(now: now)
        case .restoreIdempotency(let events):
            registry.restoreIdempotency(from: events, now: now)
        }
    }

    /// Fires the connections' deadlines, the credentials' expiries and the end of resume windows due at `now`.
    private mutating func tick(now: Instant) {
        while let (deadline, id) = connectionTimerQueue.popDue(now: now) {
            guard connections[id]?.deadline == deadline else { continue }  // re-armed or cancelled since
            connections[id]?.deadline = nil
            run(.tick, on: id, now: now)
        }
        while let (deadline, id) = credentialExpiries.popDue(now: now) {
            guard connections[id]?.credentialsExpireAt == deadline else { continue }  // closed or re-authenticated since
            end(id, Termination(code: .credentialsExpired, message: "the credentials expired", requirement: "SESSION-39"), now: now)
        }
        for session in registry.expire(now: now) { sessionEnded(session) }
    }

    /// The transport of connection `id` closed (the peer left, or the server closed it).
    private mutating func closed(_ id: ConnectionID, now: Instant) {
        guard var connection = connections.removeValue(forKey: id) else { return }
        flushesDue.remove(id)  // what its log holds waits there for a resume (SESSION-15)
        gate.drop(id)
        outbox.append(.closed(connection.address))
        connection.machine.connectionLost(now: now, registry: &registry)
        if let session = connection.session { outbox.append(.detached(id, session: session)) }
    }

    /// Hands a command's result to the connection `session` is attached to, or records it in
    /// the session for the command re-sent (SESSION-12, SESSION-19).
    mutating func complete(_ result: Message, session: String, now: Instant) {
        guard let id = registry.complete(result, session: session, now: now) else { return }
        run(.complete(result, session: session), on: id, now: now)
    }

    /// Writes `message` to connection `id` outside its session machine, after what its log holds.
    private mutating func send(_ message: Message, to id: ConnectionID, now: Instant) {
        guard connections[id] != nil else { return }
        flushNow(id, now: now)
        sends.send(.message(message), to: id)
    }

    /// The store could not write `batch` (the host writes it again): every command result held
    /// behind it or a later batch is answered STORE_UNAVAILABLE at once — past the gate — and
    /// kept by its session for the command re-sent (STORE-3, SESSION-19).
    private mutating func withhold(dependingOn batch: UInt64, retryAfterMs: UInt64) {
        for (id, rid) in gate.withdrawResults(dependingOn: batch) {
            if let session = connections[id]?.session { registry.withheldResult(rid: rid, of: session) }
            outputs.append(.send(id, [.message(.error(Wire.ErrorReply(
                rid: rid, code: UInt64(ErrorCode.storeUnavailable.rawValue),
                message: "the store has not confirmed this command's write yet; re-send it to learn its outcome",
                retryAfterMs: retryAfterMs, requirement: "STORE-3")))]))
        }
    }

    /// Offers an ephemeral message to the session `handle` names, if it is attached: coalesced
    /// with an older one for the same state, or shed while the client is far behind (HUB-8, HUB-10).
    private mutating func deliverEphemeral(_ message: SharedEvent, to handle: SessionHandle) {
        guard let (id, session, shed) = registry.enqueueEphemeral(message, to: handle) else { return }
        // A shed typing set is sent again, as it is then, when the client catches up (HUB-19).
        if shed, case .typers(let typers) = message.message { staleTypers[session, default: []].insert(typers.conversation) }
        flushLater(id)
    }

    /// A session ended: nothing of it is kept here, and the hub hears it.
    mutating func sessionEnded(_ session: String) {
        staleTypers[session] = nil
        outbox.append(.sessionEnded(session))
    }
}
