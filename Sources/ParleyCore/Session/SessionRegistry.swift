import ParleyWire

/// Every session of a server, attached or detached, with the resume tokens that name them and
/// the users' idempotency cache (SESSION-14…25).
///
/// The host owns one registry and passes it `inout` to each connection's ``ServerSession``.
/// Every session's events live in its outbound log (the hub's ``OutboundLog``, holding shared
/// ``SharedEvent``s): ``enqueue(_:to:)`` stamps and retains an event, attached or not, and says
/// which connection's ``ServerSession/flushEvents(now:registry:)`` hands it out. Results go
/// through ``complete(_:session:now:)`` and the attached machine's
/// ``ServerSession/complete(_:now:registry:)``. ``expire(now:)`` ends sessions whose resume
/// window has passed; arm a timer for ``nextDeadline``.
public struct SessionRegistry: Sendable {
    /// How sessions are limited.
    public let configuration: SessionConfiguration
    /// Remembered client message ids of every user.
    public private(set) var idempotency: IdempotencyCache

    private static let resumePurpose = "r"
    private let signer: TokenSigner
    private let instance: String
    private var opened: UInt64 = 0
    private var sessions = SlotMap<String, SessionState>()
    private var detached: [(deadline: Instant, session: String)] = []
    private var detachedHead = 0
    private var detachedUntil: [String: Instant] = [:]
    /// Idempotency keys of commands still in progress when their session ended.
    private var orphans: [OrphanKey: IdempotencyCache.Key] = [:]

    private struct OrphanKey: Hashable, Sendable {
        var session: String
        var rid: UInt64
    }

    /// - Parameters:
    ///   - configuration: the session limits every session of the registry runs with.
    ///   - key: the MAC key for resume tokens (random, at least 32 bytes).
    ///   - instance: distinguishes this server run, so session ids never repeat across
    ///     restarts that keep the key.
    public init(configuration: SessionConfiguration, key: [UInt8], instance: String) {
        self.configuration = configuration
        signer = TokenSigner(key: key)
        self.instance = instance
        idempotency = IdempotencyCache(windowMs: configuration.idempotencyWindowMs)
    }

    /// The number of live sessions (attached or detached).
    public var count: Int { sessions.count }

    /// The connection `session` is attached to, `nil` if detached or unknown.
    public func connection(of session: String) -> ConnectionID? { sessions[session]?.attached }

    /// The handle that reaches `session` without its id (``enqueue(_:to:)``), if it exists.
    public func handle(of session: String) -> SessionHandle? { sessions.handle(forKey: session) }

    /// The identity of `session`.
    public func identity(of session: String) -> Wire.Identity? { sessions[session]?.identity }

    /// The latest sequence number and the number of retained events of `session`.
    public func sequence(of session: String) -> (lastSeq: UInt64, retained: Int)? {
        sessions[session].map { ($0.events.lastSeq, $0.events.statistics.retainedEvents) }
    }

    /// Stamps `event` with `session`'s next seq and retains it until acknowledged, attached or
    /// detached (SESSION-10, -11, -15); the same shared bytes go into every recipient's log
    /// (HUB-6). Returns the connection the session is attached to, whose
    /// ``ServerSession/flushEvents(now:registry:)`` must now hand the event out; `nil` when
    /// detached or unknown. Beyond the retention bound an event is not retained and a later
    /// resume is `expired` (SESSION-33).
    public mutating func enqueue(_ event: SharedEvent, to session: SessionHandle) -> ConnectionID? {
        sessions.withValue(session) { state in
            _ = state.events.enqueueDurable(event)
            return state.attached
        } ?? nil
    }

    /// Offers an ephemeral message to `session`'s log if it is attached, as the latest state for
    /// its coalescing key (HUB-8); the log sheds it while the client is far behind on acks
    /// (HUB-10). Returns the attached connection, whose ``ServerSession/flushEvents(now:registry:)``
    /// must now hand it out, the session's id, and whether the message was shed; `nil` when
    /// detached (a detached session misses ephemeral messages).
    public mutating func enqueueEphemeral(
        _ message: SharedEvent, to session: SessionHandle
    ) -> (connection: ConnectionID, session: String, shed: Bool)? {
        guard let key = message.coalescingKey else { return nil }
        return sessions.withValue(session) { state in
            guard let connection = state.attached else { return nil }
            let outcome = state.events.enqueueEphemeral(message, key: key)
            return (connection, state.id, outcome == .shed)
        } ?? nil
    }

    /// Hands `body` everything `session`'s log has not handed out yet, in order, if the session
    /// is attached to `connection`; `nil` otherwise.
    mutating func drain(
        _ session: String, attachedTo connection: ConnectionID, _ body: (Delivery<SharedEvent>) -> Void
    ) -> DrainResult? {
        withSession(session) { state in
            state.attached == connection ? state.events.drain(body) : nil
        } ?? nil
    }

    /// For a detached or ended session: records a command's result (for a re-sent command,
    /// SESSION-19, and the idempotency cache). Returns the attached connection instead, doing
    /// nothing, when there is one: call its ``ServerSession/complete(_:now:registry:)``.
    public mutating func complete(_ result: Message, session: String, now: Instant) -> ConnectionID? {
        if let connection = sessions[session]?.attached { return connection }
        _ = record(result, session: session, deliveredOn: nil, now: now)
        return nil
    }

    /// Rebuilds the idempotency keys of the last window from the events a store kept (STORE-6):
    /// every message and note with a client message id written within the window before `now`,
    /// so that a client re-sending one after a restart gets its original `ok` (SESSION-22)
    /// rather than a second copy. The first message of a `create` stands for the create.
    public mutating func restoreIdempotency(from events: [ChatEvent], now: Instant) {
        let window = configuration.idempotencyWindowMs
        let recent = events.filter { event in
            (event.kind == .message || event.kind == .note) && event.clientMessageId != nil && event.sender != nil
                && now.milliseconds(since: Instant(rawValue: event.time)) < window
        }
        for event in recent.sorted(by: { ($0.time, $0.conversation, $0.cseq) < ($1.time, $1.conversation, $1.cseq) }) {
            idempotency.restore(
                IdempotencyCache.Key(user: event.sender!, clientMessageId: event.clientMessageId!),
                result: Wire.Ok(rid: 0, conversation: event.conversation, cseq: event.cseq), at: Instant(rawValue: event.time))
        }
        idempotency.expire(now: now)
    }

    /// Ends every detached session whose resume window has passed at `now` and forgets expired
    /// idempotency keys; returns the ended sessions' ids.
    public mutating func expire(now: Instant) -> [String] {
        idempotency.expire(now: now)
        var ended: [String] = []
        while detachedHead < detached.count, detached[detachedHead].deadline <= now {
            let (deadline, session) = detached[detachedHead]
            detachedHead += 1
            if detachedUntil[session] == deadline {
                end(session)
                ended.append(session)
            }
        }
        if detachedHead >= 64 && detachedHead * 2 >= detached.count {
            detached.removeFirst(detachedHead)
            detachedHead = 0
        }
        return ended
    }

    /// The earliest instant at which ``expire(now:)`` has something to do.
    public var nextDeadline: Instant? {
        let sessionDeadline = detachedHead < detached.count ? detached[detachedHead].deadline : nil
        switch (sessionDeadline, idempotency.nextDeadline) {
        case let (a?, b?): return min(a, b)
        case let (a, b): return a ?? b
        }
    }

    // MARK: - Used by ServerSession

    /// What a resume request found.
    enum ResumeOutcome {
        /// Resumed: the log is rewound to replay from `replayFrom` (nil when nothing was
        /// missed); `lastSeq` is the session's newest; `previous` held the session before.
        case resumed(session: String, replayFrom: UInt64?, lastSeq: UInt64, previous: ConnectionID?)
        /// The client claims to have processed an event never sent (SESSION-17).
        case lastSeqAhead(serverLastSeq: UInt64)
        /// SESSION-16.
        case notResumed(ResumeStatus)
    }

    /// Opens a new session for `identity`, attached to `connection`.
    mutating func open(identity: Wire.Identity, connection: ConnectionID) -> (id: String, resumeToken: String) {
        opened += 1
        let id = "\(instance).\(opened)"
        // Session ids hold no "|": the instance is the host's, and the counter is digits.
        let token = signer.sign([Self.resumePurpose, id]) ?? ""
        sessions[id] = SessionState(id: id, identity: identity, resumeToken: token, attached: connection,
                                    resultCapacity: configuration.maxRetainedResults, eventLimits: configuration.eventLimits)
        return (id, token)
    }

    /// Resumes the session named by `token` for `user` on `connection` (SESSION-14, -16, -17).
    mutating func resume(token: String, lastSeq: UInt64, user: String, connection: ConnectionID) -> ResumeOutcome {
        guard let fields = signer.open(token), fields.count == 2, fields[0] == Self.resumePurpose else {
            return .notResumed(.unknown)
        }
        let id = fields[1]
        guard let state = sessions[id] else { return .notResumed(.expired) }
        guard state.identity.user == user else { return .notResumed(.unknown) }
        guard lastSeq <= state.events.lastSeq else { return .lastSeqAhead(serverLastSeq: state.events.lastSeq) }
        let outcome: ResumeOutcome = withSession(id) { state in
            // HUB-13: replays exactly what follows lastSeq, or changes nothing when it cannot.
            guard case .resumed(let replayFrom, let newest) = state.events.rewind(to: lastSeq) else {
                return .notResumed(.expired)
            }
            let previous = state.attached
            state.attached = connection
            return .resumed(session: id, replayFrom: replayFrom, lastSeq: newest, previous: previous)
        } ?? .notResumed(.expired)
        if case .resumed = outcome { detachedUntil[id] = nil }
        return outcome
    }

    /// Detaches `session` from `connection` (if still attached to it) and starts its resume
    /// window (SESSION-15).
    mutating func detach(_ session: String, from connection: ConnectionID, now: Instant) {
        guard sessions[session]?.attached == connection else { return }
        sessions[session]?.attached = nil
        let deadline = now.adding(milliseconds: configuration.resumeWindowMs)
        detachedUntil[session] = deadline
        detached.append((deadline, session))
    }

    /// Ends `session` at once: it can no longer be resumed (SESSION-34).
    mutating func end(_ session: String) {
        guard let state = sessions.removeValue(forKey: session) else { return }
        detachedUntil[session] = nil
        for (rid, command) in state.inFlight {
            if let key = command.idempotencyKey { orphans[OrphanKey(session: session, rid: rid)] = key }
        }
    }

    /// Reads and changes one session's state.
    mutating func withSession<R>(_ session: String, _ body: (inout SessionState) -> R) -> R? {
        guard let slot = sessions.slot(forKey: session) else { return nil }
        return body(&sessions[slot: slot])
    }

    /// Records a command's result: finishes its idempotency entry, updates subscriptions,
    /// retains it for re-sent commands, and returns it if a connection should be handed it
    /// (`nil` when the rid is not in progress: a duplicate completion from the host).
    mutating func record(_ result: Message, session: String, deliveredOn: ConnectionID?, now: Instant) -> Message? {
        guard let rid = result.resultRID else { return nil }
        guard sessions[session] != nil else {
            if let key = orphans.removeValue(forKey: OrphanKey(session: session, rid: rid)) {
                idempotency.finish(key, result: result, now: now)
            }
            return nil
        }
        let command: SessionState.InFlight? = withSession(session) { state in
            guard let command = state.inFlight.removeValue(forKey: rid) else { return nil }
            if case .ok = result {
                if let topic = command.subscribing { state.subscriptions.insert(topic) }
                if let topic = command.unsubscribing { state.subscriptions.remove(topic) }
            }
            state.results.record(rid: rid, fingerprint: command.fingerprint, result: result, deliveredOn: deliveredOn)
            return command
        } ?? nil
        guard let command else { return nil }
        if let key = command.idempotencyKey { idempotency.finish(key, result: result, now: now) }
        return result
    }

    /// Notes that the result retained for `rid` was not handed to the client (the server
    /// answered STORE_UNAVAILABLE while the write it depends on was unconfirmed): the same
    /// command re-sent with that rid, on any connection, gets it (SESSION-19, STORE-3).
    public mutating func withheldResult(rid: UInt64, of session: String) {
        withSession(session) { $0.results.markDelivered(rid: rid, on: nil) }
    }

    /// Starts remembering an idempotency key (called when its command is dispatched).
    mutating func beginIdempotent(_ key: IdempotencyCache.Key, fingerprint: Int, now: Instant) {
        idempotency.begin(key, fingerprint: fingerprint, now: now)
    }
}
