import ParleyCore
import ParleyWire

/// Carrying out session actions, and the bookkeeping of who is connected.
extension ServerCore {
    /// Carries out a session machine's actions for connection `id`, in order.
    mutating func perform(_ actions: [ServerSession.Action], on id: ConnectionID, now: Instant) {
        for action in actions {
            switch action {
            case .send(let message):
                pending.send(.message(message), to: id)
            case .sendEvent(let delivery):
                switch delivery.kind {
                case .durable: pending.send(.event(seq: delivery.seq, delivery.payload), to: id)
                case .ephemeral: pending.send(.message(delivery.payload.message), to: id)
                }
            case .resyncEphemeral:
                guard let session = connections[id]?.session else { continue }
                resyncPresence(of: session, now: now)
                resyncTypers(of: session, now: now)
            case .close(let code):
                pending.close(id, code)
                connections[id]?.deadline = nil
                // The connection carries its session no more: the user left through it now, not
                // when the transport's close arrives (perhaps after the resume window). A goodbye
                // ends the session at once (SESSION-34), and a visitor with no session left is
                // gone (CONV-8).
                if let session = connections[id]?.session {
                    detach(id, now: now)
                    if registry.identity(of: session) == nil { sessionEnded(session, now: now) }
                }
            case .armTimer(let deadline):
                connections[id]?.deadline = deadline
                connectionTimerQueue.push(deadline, id)
            case .authenticate(let auth):
                if let refusal = admissionRefusal(auth, on: id, now: now) {
                    run(.authenticated(.failure(refusal)), on: id, now: now)
                } else if auth.scheme == "transport" {
                    run(.authenticated(transportAuthentication(on: id)), on: id, now: now)
                } else {
                    pending.authenticate(auth, on: id)
                }
            case .dispatch(let message):
                guard let attachment = attachment(of: id) else { continue }
                dispatch(message, on: id, session: attachment.session, actor: attachment.record.identity, now: now)
            case .replace(let other):
                run(.replaced, on: other, now: now)
                detach(other, now: now)
            }
        }
    }

    /// After authentication: records the connection's session, identity and when its
    /// credentials expire (SESSION-39), and tells the live-chat core that the user is here
    /// (ROUTE-2, ROUTE-10, CONV-20).
    mutating func noteEstablished(_ id: ConnectionID, _ authenticated: AuthenticatedIdentity, now: Instant) {
        guard let connection = connections[id], connection.session == nil, let session = connection.machine.session,
              let wire = registry.identity(of: session) else { return }
        let identity = ChatIdentity(user: wire.user, role: wire.role, teams: Set(wire.teams), vouched: authenticated.vouched)
        let site = wire.site ?? configuration.site
        connections[id]?.session = session
        connections[id]?.login = authenticated.login
        if let expiresAt = authenticated.expiresAt {
            connections[id]?.credentialsExpireAt = expiresAt
            credentialExpiries.push(expiresAt, id)
        }
        apply(presence.connect(
            PresenceConnectionID(id.rawValue), identity: PresenceIdentity(user: wire.user, role: wire.role, site: site, teams: wire.teams),
            now: now), now: now)
        sessions[session, default: SessionRecord(identity: identity, site: site)].identity = identity
        sessions[session]?.site = site
        users[identity.user, default: UserRecord()].sessions[session] = registry.handle(of: session)
        users[identity.user]?.address = connection.address
        users[identity.user]?.attached += 1
        guard users[identity.user]?.attached == 1 else { return }
        if identity.isStaff {
            let teams = identity.teams.filter(chat.router.hasTeam).sorted()
            let profile = AgentProfile(
                teams: teams.isEmpty ? [configuration.chat.defaultTeam] : teams, skills: Set(wire.skills),
                maxConcurrent: wire.maxConcurrent.map { Int(clamping: $0) })
            apply(chat.agentConnected(identity.user, profile: profile, now: now), now: now)
        } else {
            apply(chat.visitorPresenceChanged(identity.user, onSite: true, now: now), now: now)
        }
    }

    /// The answer to a hello of scheme `transport` on connection `id`: the identity its
    /// transport established, or `AUTH_FAILED` when it established none (SESSION-38).
    func transportAuthentication(on id: ConnectionID) -> Result<AuthenticatedIdentity, AuthFailure> {
        guard let identity = connections[id]?.transportIdentity else {
            return .failure(AuthFailure(.authFailed, "this connection's transport established no identity", requirement: "SESSION-38"))
        }
        return .success(identity.value)
    }

    /// Ends connection `id` with the fatal `code` (an `error`, then the close) and detaches
    /// it from its session, which stays resumable by a hello whose credentials pass again.
    mutating func end(_ id: ConnectionID, _ code: ErrorCode, _ message: String, requirement: String, retryAfterMs: UInt64? = nil, now: Instant) {
        run(.terminate(code, message, requirement: requirement, retryAfterMs: retryAfterMs), on: id, now: now)
        detach(id, now: now)
    }

    /// Signs `user` out (the host's logout, a revoked account): every connection of theirs —
    /// or, with `login`, only those whose credentials came from that login session of the host
    /// (one device's logout) — closes with `CREDENTIALS_EXPIRED` (SESSION-39). Their sessions
    /// stay resumable by a hello whose credentials pass again.
    public mutating func signOut(_ user: String, login: String? = nil, now: Instant) -> [ServerOutput] {
        for id in connectionsOf(user) where login == nil || connections[id]?.login == login {
            end(id, .credentialsExpired, "signed out", requirement: "SESSION-39", now: now)
        }
        return emit(now: now)
    }

    /// The connections attached to a session of `user`, in the order they opened.
    func connectionsOf(_ user: String) -> [ConnectionID] {
        connections.keys.filter { connections[$0]?.session.flatMap { sessions[$0]?.identity.user } == user }.sorted { $0.rawValue < $1.rawValue }
    }

    /// Connection `connection` of `identity` went away; the session stays resumable.
    mutating func userDetached(_ identity: ChatIdentity, connection: ConnectionID, now: Instant) {
        apply(presence.disconnect(PresenceConnectionID(connection.rawValue), now: now), now: now)
        users[identity.user]?.attached -= 1
        guard users[identity.user]?.attached == 0 else { return }
        if identity.isStaff { apply(chat.agentDisconnected(identity.user, now: now), now: now) }
    }

    /// A session's resume window passed: a visitor with no session left has left the site.
    mutating func sessionEnded(_ session: String, now: Instant) {
        guard let record = sessions.removeValue(forKey: session) else { return }
        for feed in record.feeds.values { feedSubscribers[feed]?.remove(session) }
        let identity = record.identity
        users[identity.user]?.sessions[session] = nil
        guard users[identity.user]?.sessions.isEmpty ?? true else { return }
        users[identity.user] = nil
        if !identity.isStaff { apply(chat.visitorLeft(identity.user, now: now), now: now) }
    }

    /// Publishes an event to every live session of `user`: each session's log stamps its own
    /// seq and holds the same shared bytes (SESSION-10, HUB-6); a detached session keeps it for
    /// its resumption (SESSION-15), an attached one hands it to its transport at once.
    mutating func publish(_ event: SharedEvent, toUser user: String, now: Instant) {
        forEachSession(of: user) { core, _, handle in
            guard let id = core.registry.enqueue(event, to: handle) else { return }
            core.flushLater(id)
        }
    }

    /// Sends an ephemeral message (typing, presence, queue position) to every attached session
    /// of `user`; detached sessions miss it (SESSION-10).
    mutating func deliver(_ message: SharedEvent, toUser user: String, now: Instant) {
        forEachSession(of: user) { core, session, _ in core.deliver(message, toSession: session, now: now) }
    }

    /// Sends an ephemeral message to `session` through its log, if it is attached: coalesced
    /// with an older one for the same state, or shed while the client is far behind (HUB-8, HUB-10).
    mutating func deliver(_ message: SharedEvent, toSession session: String, now: Instant) {
        guard let (id, shed) = registry.enqueueEphemeral(message, to: session) else { return }
        // A shed typing set is sent again, as it is then, when the client catches up (HUB-19).
        if shed, case .typers(let typers) = message.message { sessions[session]?.staleTypers.insert(typers.conversation) }
        flushLater(id)
    }

    /// Runs `body` for each live session of `user` and its handle, in a stable order.
    private mutating func forEachSession(of user: String, _ body: (inout ServerCore, String, SessionHandle) -> Void) {
        guard let sessions = users[user]?.sessions else { return }
        // Usually one session: no sorted copy on the fan-out path.
        if sessions.count == 1, let (session, handle) = sessions.first {
            body(&self, session, handle)
            return
        }
        for (session, handle) in sessions.sorted(by: { $0.key < $1.key }) { body(&self, session, handle) }
    }

    /// Hands a command's result to its session (SESSION-12).
    mutating func complete(_ result: Message, session: String, now: Instant) {
        guard let id = registry.complete(result, session: session, now: now) else { return }
        run(.complete(result), on: id, now: now)
    }
}
