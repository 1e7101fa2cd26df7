import ParleyCore
import ParleyWire

/// Test code: a host around ``ServerSession`` and ``SessionRegistry`` that plays transport,
/// authenticator runner and application layer in memory, so tests and scenarios drive the
/// session layer exactly as a real server would (Spec/scenarios/session/README.md).
///
/// The application layer it plays is minimal: `send` and `note` create a message (counted per
/// user and clientMessageId, so tests can check nothing is created twice), answer `ok` with a
/// `cseq` and push an `event` to the sender's session; every other command is answered `ok`.
/// With ``deferCompletion`` results wait in ``deferred`` until ``completeDeferred(count:now:)``.
struct InMemoryServer {
    static let key = Array("parley session tests secret key!".utf8)

    var registry: SessionRegistry
    var authenticator = AuthenticatorPair(SignedTokenAuthenticator(key: InMemoryServer.key),
                                          AnonymousVisitorAuthenticator(key: InMemoryServer.key, instance: "test"))
    private(set) var connections: [ConnectionID: ServerSession] = [:]
    /// Messages sent to each connection, oldest first, until taken.
    var outbox: [ConnectionID: [Message]] = [:]
    /// Connections the server closed, with the code of the close.
    private(set) var closed: [ConnectionID: ErrorCode] = [:]
    private var timers: [ConnectionID: Instant] = [:]
    private var nextConnection: UInt64 = 0

    // The application layer.
    var deferCompletion = false
    /// Results held back: the session and its result.
    var deferred: [(session: String, result: Message)] = []
    /// Messages created, per "user/clientMessageId".
    private(set) var created: [String: Int] = [:]
    private var cseq: [String: UInt64] = [:]
    /// Every command and signal dispatched to the application, in order.
    private(set) var dispatched: [Message] = []

    init(configuration: SessionConfiguration = SessionConfiguration()) {
        registry = SessionRegistry(configuration: configuration, key: InMemoryServer.key, instance: "test")
    }

    /// A new connection at `now`.
    mutating func open(now: Instant) -> ConnectionID {
        nextConnection += 1
        let id = ConnectionID(rawValue: nextConnection)
        var connection = ServerSession(connection: id, configuration: registry.configuration, now: now)
        let actions = connection.start(now: now)
        connections[id] = connection
        outbox[id] = []
        perform(actions, on: id, now: now)
        return id
    }

    /// Whether the server has closed `connection` (or it was dropped).
    func isOpen(_ connection: ConnectionID) -> Bool { connections[connection].map { !$0.isClosed } ?? false }

    /// The session carried by `connection`.
    func session(of connection: ConnectionID) -> String? { connections[connection]?.session }

    mutating func receive(_ message: Message, on connection: ConnectionID, now: Instant) {
        guard var machine = connections[connection] else { return }
        let actions = machine.receive(message, now: now, registry: &registry)
        connections[connection] = machine
        perform(actions, on: connection, now: now)
    }

    mutating func receive(undecodable error: WireError, on connection: ConnectionID, now: Instant) {
        guard var machine = connections[connection] else { return }
        let actions = machine.receive(undecodable: error, now: now, registry: &registry)
        connections[connection] = machine
        perform(actions, on: connection, now: now)
    }

    /// The client side dropped the transport.
    mutating func drop(_ connection: ConnectionID, now: Instant) {
        connections[connection]?.connectionLost(now: now, registry: &registry)
        timers[connection] = nil
    }

    /// Takes the messages sent to `connection` so far.
    mutating func take(_ connection: ConnectionID) -> [Message] {
        defer { outbox[connection] = [] }
        return outbox[connection] ?? []
    }

    /// Fires every timer due at `now` and expires sessions.
    mutating func advance(to now: Instant) {
        for (id, deadline) in timers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where deadline <= now {
            timers[id] = nil
            guard var machine = connections[id] else { continue }
            let actions = machine.tick(now: now, registry: &registry)
            connections[id] = machine
            perform(actions, on: id, now: now)
        }
        _ = registry.expire(now: now)
    }

    /// Every event pushed, per session, in order (what a client of the session must see).
    private(set) var pushed: [String: [Message]] = [:]

    /// The application pushes an event to `session` (attached or not).
    mutating func push(_ event: Message, to session: String, now: Instant) {
        if event.kind == .event, registry.identity(of: session) != nil { pushed[session, default: []].append(event) }
        let shared = SharedEvent(event)
        let id = event.kind == .event ? registry.enqueue(shared, to: session) : registry.enqueueEphemeral(shared, to: session)?.connection
        guard let id, var machine = connections[id] else { return }
        let actions = machine.flushEvents(now: now, registry: &registry)
        connections[id] = machine
        perform(actions, on: id, now: now)
    }

    /// Completes the oldest `count` deferred results.
    mutating func completeDeferred(count: Int, now: Instant) {
        for _ in 0..<min(count, deferred.count) {
            let (session, result) = deferred.removeFirst()
            complete(result, session: session, now: now)
        }
    }

    mutating func shutdown(reconnectAfterMs: UInt64, now: Instant) {
        for id in connections.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard var machine = connections[id] else { continue }
            let actions = machine.shutdown(reconnectAfterMs: reconnectAfterMs, now: now, registry: &registry)
            connections[id] = machine
            perform(actions, on: id, now: now)
        }
    }

    private mutating func complete(_ result: Message, session: String, now: Instant) {
        guard let id = registry.complete(result, session: session, now: now), var machine = connections[id] else { return }
        let actions = machine.complete(result, now: now, registry: &registry)
        connections[id] = machine
        perform(actions, on: id, now: now)
    }

    private mutating func perform(_ actions: [ServerSession.Action], on connection: ConnectionID, now: Instant) {
        for action in actions {
            switch action {
            case .send(let message):
                outbox[connection, default: []].append(message)
            case .sendEvent(let delivery):
                outbox[connection, default: []].append(delivery.payload.message(seq: delivery.seq))
            case .resyncEphemeral:
                break
            case .close(let code):
                closed[connection] = code
                timers[connection] = nil
            case .armTimer(let deadline):
                timers[connection] = deadline
            case .authenticate(let auth):
                let result = authenticator.authenticate(auth, now: now)
                guard var machine = connections[connection] else { continue }
                let next = machine.authenticated(result, now: now, registry: &registry)
                connections[connection] = machine
                perform(next, on: connection, now: now)
            case .dispatch(let message):
                dispatched.append(message)
                guard let session = connections[connection]?.session else { continue }
                application(message, session: session, now: now)
            case .replace(let other):
                guard var machine = connections[other] else { continue }
                let next = machine.replaced(now: now)
                connections[other] = machine
                perform(next, on: other, now: now)
            }
        }
    }

    /// The stand-in application layer.
    private mutating func application(_ message: Message, session: String, now: Instant) {
        guard let rid = message.commandRID else { return }
        var result = Message.ok(Wire.Ok(rid: rid))
        var event: Message?
        let user = registry.identity(of: session)?.user ?? "?"
        switch message {
        case .send(let send):
            created["\(user)/\(send.clientMessageId)", default: 0] += 1
            let next = (cseq[send.conversation] ?? 0) + 1
            cseq[send.conversation] = next
            result = .ok(Wire.Ok(rid: rid, conversation: send.conversation, cseq: next))
            event = .event(Wire.Event(seq: 0, event: Wire.ConversationEvent(
                conversation: send.conversation, cseq: next, kind: .message, time: now.rawValue, sender: user,
                text: send.text, clientMessageId: send.clientMessageId)))
        case .note(let note):
            created["\(user)/\(note.clientMessageId)", default: 0] += 1
            result = .ok(Wire.Ok(rid: rid, conversation: note.conversation))
        default:
            break
        }
        if deferCompletion {
            deferred.append((session, result))
        } else {
            complete(result, session: session, now: now)
        }
        if let event { push(event, to: session, now: now) }
    }
}
