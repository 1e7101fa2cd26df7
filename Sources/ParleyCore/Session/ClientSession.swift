import ParleyWire

/// The client side of a session across connections: handshake, in-order exactly-once event
/// delivery, cumulative acks, heartbeats, resumption and re-sending of unanswered commands
/// (Spec/session.md, SESSION-20, SESSION-21).
///
/// Sans-I/O like ``ServerSession``: the host calls ``connect(now:)`` when a transport is open,
/// feeds every decoded message to ``receive(_:now:)``, calls ``connectionLost(now:)`` when the
/// transport drops and ``tick(now:)`` when the armed timer fires, and performs the returned
/// actions. What the application should see arrives as `.notify` actions: events in order and
/// exactly once, one result per command, and an explicit `resyncNeeded` whenever events may
/// have been missed.
public struct ClientSession: Sendable {
    /// How the client behaves.
    public struct Configuration: Sendable, Hashable {
        /// The credentials of the first hello. After a welcome with a `sessionToken`, later
        /// hellos use scheme `session` with it (SESSION-7).
        public var auth: Wire.Auth
        /// Versions offered, most preferred first.
        public var versions: [UInt64] = [1]
        /// Ack after this many unacknowledged events (SESSION-11).
        public var ackEvery: UInt64 = 8
        /// Or after this delay since the first unacknowledged event.
        public var ackDelayMs: UInt64 = 200
        /// Give up on a handshake after this long.
        public var handshakeTimeoutMs: UInt64 = 10_000

        /// A configuration with these credentials and default timing.
        public init(auth: Wire.Auth) { self.auth = auth }
    }

    /// What the host must do, in order.
    public enum Action: Sendable, Hashable {
        /// Send this message on the current connection.
        case send(Message)
        /// Close the current connection; reconnect (``connect(now:)``) when the host sees fit.
        case close
        /// Call ``tick(now:)`` at this instant (replaces any earlier timer).
        case armTimer(Instant)
        /// Tell the application.
        case notify(Notification)
    }

    /// What the application learns.
    public enum Notification: Sendable, Hashable {
        /// A welcome arrived; `resumed` when the earlier session continues without a gap.
        case established(session: String, resumed: Bool)
        /// Events may have been missed (the resume was `expired` or `unknown`): re-sync from
        /// conversation history (SESSION-21).
        case resyncNeeded(ResumeStatus)
        /// The next event of the session, exactly once and in order.
        case event(Message)
        /// An ephemeral message (typers, presence, queue position).
        case ephemeral(Message)
        /// The one result of an issued command.
        case result(Message)
        /// A command sent on a session that could not be resumed, without a client message id:
        /// whether it took effect is unknown; re-sync (SESSION-21).
        case outcomeUnknown(Message)
        /// A non-fatal error not tied to a command (e.g. RATE_LIMITED for a typing signal).
        case error(Wire.ErrorReply)
        /// The connection is gone.
        case disconnected(DisconnectReason)
    }

    /// Why a connection ended.
    public enum DisconnectReason: Sendable, Hashable {
        /// The server sent this fatal error.
        case error(ErrorCode)
        /// The server said goodbye (e.g. SERVER_SHUTDOWN with a reconnect delay).
        case goodbye(ErrorCode, reconnectAfterMs: UInt64?)
        /// Nothing arrived for heartbeatTimeoutMs (SESSION-27).
        case heartbeatTimeout
        /// No welcome within the handshake timeout.
        case handshakeTimeout
        /// An event skipped a sequence number: reconnect and resume to get it (SESSION-20).
        case sequenceGap
    }

    private enum State: Sendable {
        case disconnected
        case handshaking(HandshakingState)
        case established(EstablishedState)
        case ended
    }

    private struct HandshakingState: Sendable {
        var helloRID: UInt64
        var resumeRequested: Bool
        var deadline: Instant
    }

    private struct EstablishedState: Sendable {
        var limits: Wire.Limits
        var lastReceived: Instant
        var lastSent: Instant
        var firstUnackedAt: Instant?
        var pingsSent: UInt64 = 0
    }

    private struct PendingCommand: Sendable {
        var message: Message
        /// The session it was last sent on, `nil` if never sent.
        var sentOn: String?
        /// When it was first sent, `nil` if never sent.
        var firstSentAt: Instant?
    }

    private let configuration: Configuration
    private var auth: Wire.Auth
    private var state: State = .disconnected
    private var armed: Instant?
    private var session: (id: String, resumeToken: String)?
    private var nextRID: UInt64 = 1
    private var pending: [UInt64: PendingCommand] = [:]
    private var pendingOrder: [UInt64] = []
    /// The sequence number of the last event handed to the application.
    public private(set) var lastSeq: UInt64 = 0
    private var ackedSeq: UInt64 = 0

    /// A client that is not connected yet.
    public init(configuration: Configuration) {
        self.configuration = configuration
        auth = configuration.auth
    }

    /// The current session id, once welcomed.
    public var sessionID: String? { session?.id }

    /// Who the server says this client is, once welcomed.
    public private(set) var identity: Wire.Identity?

    /// Whether a welcome has been received on the current connection.
    public var isEstablished: Bool {
        switch state {
        case .established: true
        case .disconnected, .handshaking, .ended: false
        }
    }

    /// Commands issued and not yet answered.
    public var pendingCount: Int { pending.count }

    // MARK: - Inputs

    /// A transport is open: send hello, resuming the earlier session if there is one.
    public mutating func connect(now: Instant) -> [Action] {
        switch state {
        case .ended, .handshaking, .established: return []
        case .disconnected: break
        }
        let rid = takeRID()
        let resume = session.map { Wire.ResumeRequest(token: $0.resumeToken, lastSeq: lastSeq) }
        state = .handshaking(HandshakingState(helloRID: rid, resumeRequested: resume != nil,
                                              deadline: now.adding(milliseconds: configuration.handshakeTimeoutMs)))
        armed = nil
        return finish([.send(.hello(Wire.Hello(rid: rid, versions: configuration.versions, auth: auth, resume: resume)))], now: now)
    }

    /// Issues a command: gives it the next request id (the rid in `command` is replaced) and
    /// sends it now, or after the next welcome if not connected. Returns the rid.
    public mutating func issue(_ command: Message, now: Instant) -> (rid: UInt64, actions: [Action]) {
        let rid = takeRID()
        let message = command.settingCommandRID(rid)
        pending[rid] = PendingCommand(message: message, sentOn: nil)
        pendingOrder.append(rid)
        guard case .established = state, let id = session?.id else { return (rid, []) }
        pending[rid]?.sentOn = id
        pending[rid]?.firstSentAt = now
        return (rid, finish([.send(message)], now: now))
    }

    /// Sends a signal (typing, activity) if connected; signals are never queued.
    public mutating func signal(_ signal: Message, now: Instant) -> [Action] {
        guard case .established = state else { return [] }
        return finish([.send(signal)], now: now)
    }

    /// A message from the server.
    public mutating func receive(_ message: Message, now: Instant) -> [Action] {
        switch state {
        case .disconnected, .ended:
            return []
        case .handshaking(let handshake):
            return finish(receiveHandshake(message, handshake, now: now), now: now)
        case .established(var established):
            established.lastReceived = now
            state = .established(established)
            return finish(receiveEstablished(message, now: now), now: now)
        }
    }

    /// The transport dropped; the next ``connect(now:)`` resumes.
    public mutating func connectionLost(now: Instant) {
        switch state {
        case .ended: return
        case .disconnected, .handshaking, .established: state = .disconnected
        }
        armed = nil
    }

    /// The armed timer fired: ack flush, idle ping, dead server, handshake deadline.
    public mutating func tick(now: Instant) -> [Action] {
        if let armed, armed <= now { self.armed = nil }
        switch state {
        case .disconnected, .ended:
            return []
        case .handshaking(let handshake):
            guard now >= handshake.deadline else { return finish([], now: now) }
            return disconnect(.handshakeTimeout, close: true)
        case .established(var established):
            if now.milliseconds(since: established.lastReceived) >= established.limits.heartbeatTimeoutMs {
                return disconnect(.heartbeatTimeout, close: true)
            }
            var actions: [Action] = []
            if let first = established.firstUnackedAt, now.milliseconds(since: first) >= configuration.ackDelayMs {
                actions.append(ack(&established))
            }
            if actions.isEmpty, now.milliseconds(since: established.lastSent) >= established.limits.heartbeatMs {
                established.pingsSent += 1
                actions.append(.send(.ping(Wire.Ping(nonce: established.pingsSent))))
            }
            state = .established(established)
            return finish(actions, now: now)
        }
    }

    /// Ends the session on purpose: goodbye (GOING_AWAY), close; commands still unanswered are
    /// reported as outcome unknown (SESSION-34).
    public mutating func leave(now: Instant) -> [Action] {
        var actions: [Action] = []
        if case .established = state {
            actions.append(.send(.goodbye(Wire.Goodbye(code: UInt64(ErrorCode.goingAway.rawValue)))))
            actions.append(.close)
        }
        for rid in pendingOrder {
            if let command = pending.removeValue(forKey: rid) { actions.append(.notify(.outcomeUnknown(command.message))) }
        }
        pendingOrder.removeAll()
        state = .ended
        armed = nil
        return actions
    }

    // MARK: - Handshake

    private mutating func receiveHandshake(_ message: Message, _ handshake: HandshakingState, now: Instant) -> [Action] {
        switch message {
        case .welcome(let welcome) where welcome.rid == handshake.helloRID:
            return welcomed(welcome, handshake, now: now)
        case .error(let error) where error.rid == handshake.helloRID || error.rid == nil:
            return disconnect(.error(ErrorCode(rawValue: UInt32(clamping: error.code))), close: false)
        case .goodbye(let goodbye):
            return disconnect(.goodbye(ErrorCode(rawValue: UInt32(clamping: goodbye.code)), reconnectAfterMs: goodbye.reconnectAfterMs),
                              close: false)
        case .ping(let ping):
            return [.send(.pong(Wire.Pong(nonce: ping.nonce)))]
        default:
            return []
        }
    }

    private mutating func welcomed(_ welcome: Wire.Welcome, _ handshake: HandshakingState, now: Instant) -> [Action] {
        var actions: [Action] = []
        let resumed = handshake.resumeRequested && welcome.resume?.status == .resumed
        if !resumed {
            if handshake.resumeRequested {
                actions.append(.notify(.resyncNeeded(welcome.resume?.status ?? .unknown)))
                actions.append(contentsOf: abandonUncertainCommands())
            }
            lastSeq = 0
        }
        ackedSeq = lastSeq
        session = (welcome.session, welcome.resumeToken)
        identity = welcome.identity
        if let token = welcome.sessionToken { auth = Wire.Auth(scheme: "session", credential: token) }
        state = .established(EstablishedState(limits: welcome.limits, lastReceived: now, lastSent: now))
        actions.append(.notify(.established(session: welcome.session, resumed: resumed)))
        pendingOrder.removeAll { pending[$0] == nil }
        for rid in pendingOrder {
            guard let command = pending[rid] else { continue }
            // The re-send may be the first copy this session sees, answered only by the server's
            // memory of its clientMessageId, which may have lapsed (SESSION-19, SESSION-23).
            if let first = command.firstSentAt, now.milliseconds(since: first) >= welcome.limits.idempotencyWindowMs / 2 {
                pending[rid] = nil
                actions.append(.notify(.outcomeUnknown(command.message)))
                continue
            }
            pending[rid]?.sentOn = welcome.session
            if command.firstSentAt == nil { pending[rid]?.firstSentAt = now }
            actions.append(.send(command.message))
        }
        pendingOrder.removeAll { pending[$0] == nil }
        return actions
    }

    /// After a session was lost: commands sent on it without a client message id may or may
    /// not have taken effect; the others are safe to re-send (SESSION-21, SESSION-23).
    private mutating func abandonUncertainCommands() -> [Action] {
        var actions: [Action] = []
        for rid in pendingOrder {
            guard let command = pending[rid], command.sentOn != nil, !Self.isIdempotent(command.message) else { continue }
            pending[rid] = nil
            actions.append(.notify(.outcomeUnknown(command.message)))
        }
        return actions
    }

    private static func isIdempotent(_ message: Message) -> Bool {
        switch message {
        case .send, .note: true
        case .create(let create): create.clientMessageId != nil
        default: false
        }
    }

    // MARK: - Established

    private mutating func receiveEstablished(_ message: Message, now: Instant) -> [Action] {
        guard case .established(var established) = state else { return [] }
        if let seq = message.eventSeq {
            guard seq > lastSeq else { return [] }
            guard seq == lastSeq + 1 else { return disconnect(.sequenceGap, close: true) }
            lastSeq = seq
            var actions: [Action] = [.notify(.event(message))]
            if established.firstUnackedAt == nil { established.firstUnackedAt = now }
            if lastSeq - ackedSeq >= configuration.ackEvery { actions.append(ack(&established)) }
            state = .established(established)
            return actions
        }
        switch message.kind {
        case .ephemeral:
            return [.notify(.ephemeral(message))]
        case .result:
            return receiveResult(message)
        case .control:
            switch message {
            case .ping(let ping): return [.send(.pong(Wire.Pong(nonce: ping.nonce)))]
            case .goodbye(let goodbye):
                return disconnect(.goodbye(ErrorCode(rawValue: UInt32(clamping: goodbye.code)),
                                           reconnectAfterMs: goodbye.reconnectAfterMs), close: false)
            default: return []
            }
        case .command, .signal, .event:
            return []
        }
    }

    private mutating func receiveResult(_ message: Message) -> [Action] {
        var actions: [Action] = []
        if let rid = message.resultRID, pending.removeValue(forKey: rid) != nil {
            actions.append(.notify(.result(message)))
        }
        if case .error(let error) = message {
            let code = ErrorCode(rawValue: UInt32(clamping: error.code))
            if code.isFatal { return actions + disconnect(.error(code), close: false) }
            if error.rid == nil { actions.append(.notify(.error(error))) }
        }
        return actions
    }

    // MARK: - Output

    private mutating func ack(_ established: inout EstablishedState) -> Action {
        ackedSeq = lastSeq
        established.firstUnackedAt = nil
        return .send(.ack(Wire.Ack(seq: lastSeq)))
    }

    private mutating func disconnect(_ reason: DisconnectReason, close: Bool) -> [Action] {
        state = .disconnected
        armed = nil
        return (close ? [.close] : []) + [.notify(.disconnected(reason))]
    }

    private mutating func takeRID() -> UInt64 {
        defer { nextRID += 1 }
        return nextRID
    }

    /// Notes what was sent and arms the timer if the next deadline is earlier than the armed one.
    private mutating func finish(_ actions: [Action], now: Instant) -> [Action] {
        var actions = actions
        let deadline: Instant?
        switch state {
        case .disconnected, .ended:
            deadline = nil
        case .handshaking(let handshake):
            deadline = handshake.deadline
        case .established(var established):
            if actions.contains(where: { if case .send = $0 { true } else { false } }) {
                established.lastSent = now
                state = .established(established)
            }
            var next = min(established.lastSent.adding(milliseconds: established.limits.heartbeatMs),
                           established.lastReceived.adding(milliseconds: established.limits.heartbeatTimeoutMs))
            if let first = established.firstUnackedAt { next = min(next, first.adding(milliseconds: configuration.ackDelayMs)) }
            deadline = next
        }
        if let deadline, armed.map({ deadline < $0 }) ?? true {
            armed = deadline
            actions.append(.armTimer(deadline))
        }
        return actions
    }
}
