import ParleyWire

/// The server side of one connection: handshake, heartbeats, rate limits and the checks every
/// command passes before the application layer sees it (Spec/session.md).
///
/// Sans-I/O: the host feeds it decoded messages, decoding errors, authentication results,
/// command results, events and timer ticks, each with `now`, and carries out the returned
/// ``Action``s in order. What outlives the connection (sequence numbers, retained events,
/// idempotency) lives in the ``SessionRegistry`` passed `inout`.
///
/// ```swift
/// var connection = ServerSession(connection: id, configuration: config, now: now)
/// perform(connection.start(now: now))
/// perform(connection.receive(message, now: now, registry: &registry))
/// ```
public struct ServerSession: Sendable {
    /// What the host must do, in order. Cases that carry a message are boxed, so an action
    /// stays a few words and a flush of many events moves no 300-byte `Message` per event.
    public enum Action: Sendable, Hashable {
        /// Send this message on the connection.
        indirect case send(Message)
        /// Send this item of the session's log: a durable event as its shared body behind the
        /// session's seq (SESSION-10, HUB-7), an ephemeral message whole (HUB-8).
        case sendEvent(Delivery<SharedEvent>)
        /// The session's log shed ephemeral messages and is below its high-water mark again:
        /// re-send the current state of the session's presence subscriptions (HUB-10).
        case resyncEphemeral
        /// Close the connection (after the sends before it); the code picks the binding's
        /// close status (WS-4).
        case close(ErrorCode)
        /// Call ``tick(now:registry:)`` at this instant (replaces any earlier timer).
        case armTimer(Instant)
        /// Run the authenticator on these credentials and call
        /// ``authenticated(_:now:registry:)`` with its answer.
        indirect case authenticate(Wire.Auth)
        /// Hand this validated command or signal to the application layer; a command's result
        /// comes back through ``complete(_:now:registry:)``.
        indirect case dispatch(Message)
        /// Another connection held the session just resumed: call that connection's
        /// ``replaced(now:)`` (SESSION-18).
        case replace(ConnectionID)
    }

    private enum State: Sendable {
        case awaitingHello(deadline: Instant)
        case authenticating(AuthenticatingState)
        case established(EstablishedState)
        case closed
    }

    private struct AuthenticatingState: Sendable {
        var hello: Wire.Hello
        var version: UInt64
        var deadline: Instant
    }

    private struct EstablishedState: Sendable {
        var session: String
        var user: String
        var rates: RateLimiter
        var lastReceived: Instant
        var lastSent: Instant
        var pingsSent: UInt64 = 0
        /// The largest frame payload the client accepts (FRAME-6).
        var peerMaxFrame: UInt64

        init(session: String, user: String, peerMaxFrame: UInt64, rates: RateLimiter.Rates, now: Instant) {
            self.session = session
            self.user = user
            self.peerMaxFrame = peerMaxFrame
            self.rates = RateLimiter(rates, now: now)
            lastReceived = now
            lastSent = now
        }
    }

    /// The host's name for this connection.
    public let connection: ConnectionID
    private let shared: SharedSessionConfiguration
    private var configuration: SessionConfiguration {
        _read { yield shared.value }
    }
    private var state: State
    private var armed: Instant?

    /// A connection that has just opened at `now`, running with a configuration it shares with
    /// other sessions; call ``start(now:)`` next.
    public init(connection: ConnectionID, configuration: SharedSessionConfiguration, now: Instant) {
        self.connection = connection
        shared = configuration
        state = .awaitingHello(deadline: now.adding(milliseconds: configuration.value.handshakeTimeoutMs))
    }

    /// A connection that has just opened at `now`, with a configuration of its own; call
    /// ``start(now:)`` next.
    public init(connection: ConnectionID, configuration: SessionConfiguration, now: Instant) {
        self.init(connection: connection, configuration: SharedSessionConfiguration(configuration), now: now)
    }

    /// The session this connection carries, once established.
    public var session: String? {
        switch state {
        case .established(let established): established.session
        case .awaitingHello, .authenticating, .closed: nil
        }
    }

    /// The largest frame payload the client accepts, from its hello (65536 if it announced
    /// none); the server never sends a larger one (FRAME-6). `nil` before the handshake.
    public var peerMaxFrame: UInt64? {
        switch state {
        case .established(let established): established.peerMaxFrame
        case .awaitingHello, .authenticating, .closed: nil
        }
    }

    /// The credentials waiting for the authenticator's answer (between the `.authenticate`
    /// action and ``authenticated(_:now:registry:)``), `nil` in every other state.
    public var awaitedCredentials: Wire.Auth? {
        switch state {
        case .authenticating(let pending): pending.hello.auth
        case .awaitingHello, .established, .closed: nil
        }
    }

    /// Whether the connection has been closed (by either side).
    public var isClosed: Bool {
        switch state {
        case .closed: true
        case .awaitingHello, .authenticating, .established: false
        }
    }

    private var handshakeDeadline: Instant? {
        switch state {
        case .awaitingHello(let deadline): deadline
        case .authenticating(let pending): pending.deadline
        case .established, .closed: nil
        }
    }

    /// Arms the handshake deadline (SESSION-3).
    public mutating func start(now: Instant) -> [Action] {
        finish([], now: now)
    }

    // MARK: - Inputs

    /// A message decoded from the client.
    public mutating func receive(_ message: Message, now: Instant, registry: inout SessionRegistry) -> [Action] {
        let actions: [Action]
        switch state {
        case .closed:
            return []
        case .awaitingHello:
            actions = receiveBeforeHandshake(message, now: now, registry: &registry)
        case .authenticating:
            if case .goodbye = message {
                state = .closed
                actions = [.close(.goingAway)]
            } else {
                actions = fail(.notAuthenticated, "nothing may follow hello before the welcome", messageType: message.typeCode,
                               requirement: "SESSION-1", now: now, registry: &registry)
            }
        case .established(var established):
            established.lastReceived = now
            state = .established(established)
            actions = receiveEstablished(message, now: now, registry: &registry)
        }
        return finish(actions, now: now)
    }

    /// Bytes that did not decode (the decoder's or binding's error): fatal codes close the
    /// connection (SESSION-32, ERR-3), UNKNOWN_MESSAGE_TYPE is answered and ignored (VER-4).
    public mutating func receive(undecodable error: WireError, messageType: UInt64? = nil, now: Instant,
                                 registry: inout SessionRegistry) -> [Action] {
        switch state {
        case .closed:
            return []
        case .awaitingHello, .authenticating, .established:
            if case .established(var established) = state {
                established.lastReceived = now
                state = .established(established)
            }
            guard error.code.isFatal else {
                return finish([.send(.error(Wire.ErrorReply(code: UInt64(error.code.rawValue), message: error.message,
                                                            messageType: messageType)))], now: now)
            }
            return finish(fail(error.code, error.message, messageType: messageType, now: now, registry: &registry), now: now)
        }
    }

    /// The host ends the connection with a fatal error of its own (BLOCKED, ABUSE-9): the error,
    /// then the close; the session is detached as after any fatal error.
    public mutating func terminate(_ code: ErrorCode, _ message: String, requirement: String, retryAfterMs: UInt64? = nil,
                                   now: Instant, registry: inout SessionRegistry) -> [Action] {
        if case .closed = state { return [] }
        return finish(fail(code, message, requirement: requirement, retryAfterMs: retryAfterMs, now: now, registry: &registry), now: now)
    }

    /// The authenticator's answer to the `.authenticate` action (SESSION-4, SESSION-5).
    public mutating func authenticated(_ result: Result<AuthenticatedIdentity, AuthFailure>, now: Instant,
                                       registry: inout SessionRegistry) -> [Action] {
        guard case .authenticating(let pending) = state else { return [] }
        switch result {
        case .failure(let failure):
            state = .closed
            return finish([.send(.error(Wire.ErrorReply(rid: pending.hello.rid, code: UInt64(failure.code.rawValue),
                                                        message: failure.message, retryAfterMs: failure.retryAfterMs,
                                                        requirement: failure.requirement))),
                           .close(failure.code)], now: now)
        case .success(let authenticated):
            return finish(welcome(pending, authenticated, now: now, registry: &registry), now: now)
        }
    }

    /// The application layer's result for a dispatched command (`ok`, `error` or a typed
    /// result carrying the command's rid). Results for rids not in progress are ignored.
    public mutating func complete(_ result: Message, now: Instant, registry: inout SessionRegistry) -> [Action] {
        guard case .established(let established) = state, registry.connection(of: established.session) == connection else {
            if let session = session { _ = registry.complete(result, session: session, now: now) }
            return []
        }
        guard let reply = registry.record(result, session: established.session, deliveredOn: connection, now: now) else { return [] }
        return finish([.send(reply)], now: now)
    }

    /// Events or ephemeral messages were enqueued into this connection's session
    /// (``SessionRegistry/enqueue(_:to:)``, ``SessionRegistry/enqueueEphemeral(_:to:)``): hands
    /// everything its log has not handed out yet to the transport, in order (SESSION-10). When
    /// the log went beyond `maxRetainedEvents` unacknowledged events it then fails the connection
    /// with SLOW_CONSUMER; every event stays retained for a resume (SESSION-33).
    public mutating func flushEvents(now: Instant, registry: inout SessionRegistry) -> [Action] {
        guard case .established(let established) = state else { return [] }
        var actions: [Action] = []
        guard let drained = registry.drain(established.session, attachedTo: connection, { actions.append(.sendEvent($0)) })
        else { return [] }
        if drained.resyncEphemeral { actions.append(.resyncEphemeral) }
        if drained.disconnect != nil {
            let limit = configuration.maxRetainedEvents
            actions += fail(.slowConsumer, "more than \(limit) events are unacknowledged", requirement: "SESSION-33",
                            now: now, registry: &registry)
        }
        return finish(actions, now: now)
    }

    /// The timer armed by `.armTimer` fired (early or late calls are harmless): handshake
    /// deadline (SESSION-3), idle ping (SESSION-26), dead peer (SESSION-27).
    public mutating func tick(now: Instant, registry: inout SessionRegistry) -> [Action] {
        if let armed, armed <= now { self.armed = nil }
        switch state {
        case .closed:
            return []
        case .awaitingHello, .authenticating:
            guard let deadline = handshakeDeadline, now >= deadline else { return finish([], now: now) }
            return finish(fail(.handshakeTimeout, "no hello completed within \(configuration.handshakeTimeoutMs) ms",
                               requirement: "SESSION-3", now: now, registry: &registry), now: now)
        case .established(var established):
            if now.milliseconds(since: established.lastReceived) >= configuration.heartbeatTimeoutMs {
                return finish(fail(.heartbeatTimeout, "nothing received for \(configuration.heartbeatTimeoutMs) ms",
                                   requirement: "SESSION-27", now: now, registry: &registry), now: now)
            }
            guard now.milliseconds(since: established.lastSent) >= configuration.heartbeatMs else { return finish([], now: now) }
            established.pingsSent += 1
            state = .established(established)
            return finish([.send(.ping(Wire.Ping(nonce: established.pingsSent)))], now: now)
        }
    }

    /// The transport dropped (no goodbye): the session stays resumable (SESSION-15).
    public mutating func connectionLost(now: Instant, registry: inout SessionRegistry) {
        if case .established(let established) = state {
            registry.detach(established.session, from: connection, now: now)
        }
        state = .closed
    }

    /// Another connection resumed this connection's session (SESSION-18).
    public mutating func replaced(now: Instant) -> [Action] {
        switch state {
        case .closed, .awaitingHello, .authenticating:
            return []
        case .established:
            state = .closed
            return [.send(.error(Wire.ErrorReply(code: UInt64(ErrorCode.sessionReplaced.rawValue),
                                                 message: "another connection resumed this session", requirement: "SESSION-18"))),
                    .close(.sessionReplaced)]
        }
    }

    /// The server is shutting down: goodbye with SERVER_SHUTDOWN and a reconnect delay; the
    /// session stays resumable for as long as the registry lives (SESSION-35).
    public mutating func shutdown(reconnectAfterMs: UInt64, now: Instant, registry: inout SessionRegistry) -> [Action] {
        guard !isClosed else { return [] }
        let goodbye = Message.goodbye(Wire.Goodbye(code: UInt64(ErrorCode.serverShutdown.rawValue),
                                                   message: "server shutting down", reconnectAfterMs: reconnectAfterMs))
        connectionLost(now: now, registry: &registry)
        return [.send(goodbye), .close(.serverShutdown)]
    }

    // MARK: - Handshake

    private mutating func receiveBeforeHandshake(_ message: Message, now: Instant, registry: inout SessionRegistry) -> [Action] {
        guard case .awaitingHello(let deadline) = state else { return [] }
        switch message {
        case .hello(let hello):
            let offered = hello.versions.isEmpty ? [1] : hello.versions
            guard let version = offered.first(where: configuration.supportedVersions.contains) else {
                return fail(.unsupportedVersion, "none of the versions \(offered) is supported", rid: hello.rid,
                            requirement: "VER-1", now: now, registry: &registry)
            }
            state = .authenticating(AuthenticatingState(hello: hello, version: version, deadline: deadline))
            return [.authenticate(hello.auth)]
        case .goodbye:
            state = .closed
            return [.close(.goingAway)]
        default:
            return fail(.notAuthenticated, "the first message must be hello", rid: message.commandRID,
                        messageType: message.typeCode, requirement: "SESSION-1", now: now, registry: &registry)
        }
    }

    private mutating func welcome(_ pending: AuthenticatingState, _ authenticated: AuthenticatedIdentity, now: Instant,
                                  registry: inout SessionRegistry) -> [Action] {
        let identity = authenticated.identity
        var actions: [Action] = []
        var resumeResult: Wire.ResumeResult?
        var sessionID: String?
        if let request = pending.hello.resume {
            switch registry.resume(token: request.token, lastSeq: request.lastSeq, user: identity.user, connection: connection) {
            case .resumed(let session, let replayFrom, let lastSeq, let previous):
                sessionID = session
                resumeResult = Wire.ResumeResult(status: .resumed, replayFrom: replayFrom, lastSeq: lastSeq)
                if let previous, previous != connection { actions.append(.replace(previous)) }
            case .lastSeqAhead(let serverLastSeq):
                return fail(.ackOutOfRange, "resume lastSeq \(request.lastSeq) is beyond the session's last seq \(serverLastSeq)",
                            rid: pending.hello.rid, requirement: "SESSION-17", now: now, registry: &registry)
            case .notResumed(let status):
                resumeResult = Wire.ResumeResult(status: status)
            }
        }
        let opened = sessionID.map { ($0, "") } ?? registry.open(identity: identity, connection: connection)
        let id = opened.0
        let token = registry.withSession(id) { $0.resumeToken } ?? opened.1
        state = .established(EstablishedState(
            session: id, user: identity.user, peerMaxFrame: pending.hello.maxFrame ?? UInt64(Frame.initialMaxPayload),
            rates: shared.rates, now: now))
        actions.insert(.send(.welcome(Wire.Welcome(
            rid: pending.hello.rid, version: pending.version, session: id, resumeToken: token, identity: identity,
            limits: configuration.limits, resume: resumeResult, sessionToken: authenticated.sessionToken,
            serverTime: now.rawValue, compression: configuration.compression))), at: 0)
        // The replay (SESSION-14): the rewound log hands out every event after the client's lastSeq.
        _ = registry.drain(id, attachedTo: connection) { actions.append(.sendEvent($0)) }
        return actions
    }

    // MARK: - Established

    private mutating func receiveEstablished(_ message: Message, now: Instant, registry: inout SessionRegistry) -> [Action] {
        guard case .established(let established) = state else { return [] }
        guard message.sender != .server else {
            return [.send(.error(Wire.ErrorReply(code: UInt64(ErrorCode.wrongDirection.rawValue),
                                                 message: "\(message.name) is sent by servers only",
                                                 requirement: "MSG-2", messageType: message.typeCode)))]
        }
        switch message.kind {
        case .control:
            switch message {
            case .ping(let ping): return [.send(.pong(Wire.Pong(nonce: ping.nonce)))]
            case .goodbye:
                registry.end(established.session)
                state = .closed
                return [.close(.goingAway)]
            default: return []
            }
        case .signal:
            return receiveSignal(message, established, now: now, registry: &registry)
        case .command:
            if case .hello(let hello) = message {
                return fail(.alreadyAuthenticated, "the session is already established", rid: hello.rid,
                            requirement: "SESSION-9", now: now, registry: &registry)
            }
            return receiveCommand(message, established, now: now, registry: &registry)
        case .result, .event, .ephemeral:
            return []
        }
    }

    private mutating func receiveSignal(_ message: Message, _ established: EstablishedState, now: Instant,
                                        registry: inout SessionRegistry) -> [Action] {
        let bucket: RateLimiter.Bucket
        switch message {
        case .ack(let ack):
            guard let (outcome, statistics) = registry.withSession(established.session, {
                ($0.events.ack(upTo: ack.seq), $0.events.statistics)
            }) else { return [] }
            guard case .freed = outcome else {
                return fail(.ackOutOfRange, "ack \(ack.seq) is outside \(statistics.ackedSeq)...\(statistics.lastSeq - UInt64(statistics.unsentEvents))",
                            messageType: message.typeCode, requirement: "SESSION-11", now: now, registry: &registry)
            }
            // An ack may take the log below its high-water mark: the drain says whether to resync (HUB-10).
            return flushEvents(now: now, registry: &registry)
        case .typing: bucket = .typing
        case .activity: bucket = .presence
        default: return [.dispatch(message)]
        }
        switch admit(bucket, now: now) {
        case .allowed: return [.dispatch(message)]
        case .limited(let retryAfterMs):
            return [rateLimited(rid: nil, messageType: message.typeCode, retryAfterMs: retryAfterMs)]
        case .abuse:
            return fail(.rateLimitAbuse, "kept sending after being rate limited", messageType: message.typeCode,
                        requirement: "SESSION-29", now: now, registry: &registry)
        }
    }

    private mutating func receiveCommand(_ message: Message, _ established: EstablishedState, now: Instant,
                                         registry: inout SessionRegistry) -> [Action] {
        guard let rid = message.commandRID else { return [] }
        guard rid > 0 else { return [reject(.invalidArgument, "rid must be at least 1", rid: rid, requirement: "MSG-3")] }
        let session = established.session
        let fingerprint = message.settingCommandRID(0).hashValue
        let connection = self.connection

        // SESSION-12, SESSION-19: a rid in progress, or a result to hand again.
        enum Seen { case new, adopted, duplicateRID, resend(Message) }
        let seen: Seen = registry.withSession(session) { state in
            if let command = state.inFlight[rid] {
                guard command.connection != connection, command.fingerprint == fingerprint else { return .duplicateRID }
                state.inFlight[rid]?.connection = connection
                return .adopted
            }
            if let previous = state.results[rid], previous.fingerprint == fingerprint, previous.deliveredOn != connection {
                state.results.markDelivered(rid: rid, on: connection)
                return .resend(previous.result)
            }
            return .new
        } ?? .new
        switch seen {
        case .adopted: return []
        case .resend(let result): return [.send(result)]
        case .duplicateRID:
            return [reject(.duplicateRequestId, "rid \(rid) is still in progress", rid: rid, requirement: "SESSION-12")]
        case .new: break
        }

        if let problem = argumentProblem(message) {
            return [reject(.invalidArgument, problem, rid: rid, requirement: "SESSION-30")]
        }
        var subscribing: String?
        var unsubscribing: String?
        if case .subscribe(let subscribe) = message {
            let count = registry.withSession(session) { state in
                state.subscriptions.contains(subscribe.topic) ? 0 : state.subscriptionCount
            } ?? 0
            guard count < Int(clamping: configuration.maxSubscriptions) else {
                return [reject(.tooManySubscriptions, "at most \(configuration.maxSubscriptions) subscriptions", rid: rid,
                               requirement: "SESSION-31")]
            }
            subscribing = subscribe.topic
        }
        if case .unsubscribe(let unsubscribe) = message { unsubscribing = unsubscribe.topic }

        // SESSION-23…25: a client message id seen before.
        let key = Self.clientMessageId(of: message).map { IdempotencyCache.Key(user: established.user, clientMessageId: $0) }
        if let key {
            switch registry.idempotency.lookup(key, fingerprint: fingerprint) {
            case .new: break
            case .duplicate(var original):
                original.rid = rid
                original.duplicate = true
                // Retained like any result, so that a later re-send of this rid gets it again
                // even once the idempotency window has passed (SESSION-19).
                registry.withSession(session) { state in
                    state.results.record(rid: rid, fingerprint: fingerprint, result: .ok(original), deliveredOn: connection)
                }
                return [.send(.ok(original))]
            case .inProgress:
                return [.send(.error(Wire.ErrorReply(rid: rid, code: UInt64(ErrorCode.overloaded.rawValue),
                                                     message: "the original command with this clientMessageId is in progress",
                                                     retryAfterMs: configuration.inProgressRetryAfterMs, requirement: "SESSION-25")))]
            case .conflict:
                return [reject(.idempotencyConflict, "clientMessageId reused with different content", rid: rid,
                               requirement: "SESSION-24")]
            }
        }

        if let bucket = Self.bucket(of: message) {
            switch admit(bucket, now: now) {
            case .allowed: break
            case .limited(let retryAfterMs):
                return [rateLimited(rid: rid, messageType: nil, retryAfterMs: retryAfterMs)]
            case .abuse:
                return fail(.rateLimitAbuse, "kept sending after being rate limited", rid: rid, requirement: "SESSION-29",
                            now: now, registry: &registry)
            }
        }

        if let key { registry.beginIdempotent(key, fingerprint: fingerprint, now: now) }
        registry.withSession(session) { state in
            state.inFlight[rid] = SessionState.InFlight(fingerprint: fingerprint, connection: connection, idempotencyKey: key,
                                                        subscribing: subscribing, unsubscribing: unsubscribing)
        }
        return [.dispatch(message)]
    }

    /// SESSION-22, SESSION-30: well-formed values the session refuses.
    private func argumentProblem(_ message: Message) -> String? {
        let maxText = configuration.maxText
        func tooLong(_ text: String?) -> Bool { UInt64(text?.utf8.count ?? 0) > maxText }
        switch message {
        case .send(let send):
            if send.clientMessageId.isEmpty { return "clientMessageId must not be empty" }
            if tooLong(send.text) { return "text is longer than \(maxText) bytes" }
            if UInt64(send.attachments.count) > configuration.maxAttachments {
                return "more than \(configuration.maxAttachments) attachments"
            }
            if send.text.isEmpty && send.attachments.isEmpty { return "a message needs text or attachments" }
        case .note(let note):
            if note.clientMessageId.isEmpty { return "clientMessageId must not be empty" }
            if tooLong(note.text) { return "text is longer than \(maxText) bytes" }
            if note.text.isEmpty { return "a note needs text" }
        case .create(let create):
            if create.clientMessageId?.isEmpty == true { return "clientMessageId must not be empty" }
            if tooLong(create.text) { return "text is longer than \(maxText) bytes" }
        default:
            break
        }
        return nil
    }

    private static func clientMessageId(of message: Message) -> String? {
        switch message {
        case .send(let send): send.clientMessageId
        case .note(let note): note.clientMessageId
        case .create(let create): create.clientMessageId
        default: nil
        }
    }

    private static func bucket(of message: Message) -> RateLimiter.Bucket? {
        switch message {
        case .send, .note, .create: .messages
        case .setPresence: .presence
        default: nil
        }
    }

    private mutating func admit(_ bucket: RateLimiter.Bucket, now: Instant) -> RateLimiter.Decision {
        guard case .established(var established) = state else { return .allowed }
        let decision = established.rates.admit(bucket, now: now, rates: shared.rates)
        state = .established(established)
        return decision
    }

    // MARK: - Output

    private func reject(_ code: ErrorCode, _ message: String, rid: UInt64, requirement: String) -> Action {
        .send(.error(Wire.ErrorReply(rid: rid, code: UInt64(code.rawValue), message: message, requirement: requirement)))
    }

    private func rateLimited(rid: UInt64?, messageType: UInt64?, retryAfterMs: UInt64) -> Action {
        .send(.error(Wire.ErrorReply(rid: rid, code: UInt64(ErrorCode.rateLimited.rawValue), message: "rate limit exceeded",
                                     retryAfterMs: retryAfterMs, requirement: "SESSION-28", messageType: messageType)))
    }

    /// A fatal error: the error, then close; an established session detaches (ERR-3).
    private mutating func fail(_ code: ErrorCode, _ message: String, rid: UInt64? = nil, messageType: UInt64? = nil,
                               requirement: String? = nil, retryAfterMs: UInt64? = nil, now: Instant,
                               registry: inout SessionRegistry) -> [Action] {
        connectionLost(now: now, registry: &registry)
        return [.send(.error(Wire.ErrorReply(rid: rid, code: UInt64(code.rawValue), message: message, retryAfterMs: retryAfterMs,
                                             requirement: requirement, messageType: messageType))),
                .close(code)]
    }

    /// Notes what was sent (for the idle ping) and arms the timer if the next deadline is
    /// earlier than the one armed.
    private mutating func finish(_ actions: [Action], now: Instant) -> [Action] {
        var actions = actions
        let deadline: Instant?
        switch state {
        case .closed:
            deadline = nil
        case .awaitingHello, .authenticating:
            deadline = handshakeDeadline
        case .established(var established):
            // Many flushes share one `now` under load: only a send at another instant moves
            // `lastSent`, which spares writing the state back (a copy) on every delivery.
            if established.lastSent != now && actions.contains(where: {
                switch $0 {
                case .send, .sendEvent: true
                case .close, .armTimer, .authenticate, .dispatch, .replace, .resyncEphemeral: false
                }
            }) {
                established.lastSent = now
                state = .established(established)
            }
            deadline = min(established.lastSent.adding(milliseconds: configuration.heartbeatMs),
                           established.lastReceived.adding(milliseconds: configuration.heartbeatTimeoutMs))
        }
        if let deadline, armed.map({ deadline < $0 }) ?? true {
            armed = deadline
            actions.append(.armTimer(deadline))
        }
        return actions
    }
}
