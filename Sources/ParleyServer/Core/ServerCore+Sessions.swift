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
                guard let session = established[id]?.session else { continue }
                resyncPresence(of: session, now: now)
                resyncTypers(of: session, now: now)
            case .close(let code):
                pending.close(id, code)
                connectionTimers[id] = nil
            case .armTimer(let deadline):
                connectionTimers[id] = deadline
                connectionTimerQueue.push(deadline, id)
            case .authenticate(let auth):
                let result = admit(auth, on: id, now: now)
                withMachine(id, now: now) { machine, registry in machine.authenticated(result, now: now, registry: &registry) }
                noteEstablished(id, now: now)
            case .dispatch(let message):
                guard let established = established[id] else { continue }
                dispatch(message, on: id, session: established.session, actor: established.identity, now: now)
            case .replace(let other):
                withMachine(other, now: now) { machine, _ in machine.replaced(now: now) }
                if let gone = established.removeValue(forKey: other) { userDetached(gone.identity, connection: other, now: now) }
            }
        }
    }

    /// After authentication: records the connection's session and identity, and tells the
    /// live-chat core that the user is here (ROUTE-2, ROUTE-10, CONV-20).
    private mutating func noteEstablished(_ id: ConnectionID, now: Instant) {
        guard established[id] == nil, let session = connections[id]?.session, let wire = registry.identity(of: session) else { return }
        let identity = ChatIdentity(user: wire.user, role: wire.role, teams: Set(wire.teams))
        let site = wire.site ?? configuration.site
        established[id] = Established(session: session, identity: identity, site: site)
        if let address = addressOfConnection[id] { addressOfUser[identity.user] = address }
        apply(presence.connect(
            PresenceConnectionID(id.rawValue), identity: PresenceIdentity(user: wire.user, role: wire.role, site: site, teams: wire.teams),
            now: now), now: now)
        userOfSession[session] = identity
        sessionsByUser[identity.user, default: []].insert(session)
        attachedByUser[identity.user, default: 0] += 1
        guard attachedByUser[identity.user] == 1 else { return }
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

    /// Connection `connection` of `identity` went away; the session stays resumable.
    mutating func userDetached(_ identity: ChatIdentity, connection: ConnectionID, now: Instant) {
        apply(presence.disconnect(PresenceConnectionID(connection.rawValue), now: now), now: now)
        attachedByUser[identity.user, default: 1] -= 1
        guard attachedByUser[identity.user] == 0 else { return }
        attachedByUser[identity.user] = nil
        if identity.isStaff { apply(chat.agentDisconnected(identity.user, now: now), now: now) }
    }

    /// A session's resume window passed: a visitor with no session left has left the site.
    mutating func sessionEnded(_ session: String, now: Instant) {
        for feed in (subscriptionsOfSession.removeValue(forKey: session) ?? [:]).values {
            feedSubscribers[feed]?.remove(session)
        }
        staleTypers[session] = nil
        guard let identity = userOfSession.removeValue(forKey: session) else { return }
        sessionsByUser[identity.user]?.remove(session)
        guard sessionsByUser[identity.user]?.isEmpty ?? true else { return }
        sessionsByUser[identity.user] = nil
        addressOfUser[identity.user] = nil
        if !identity.isStaff { apply(chat.visitorLeft(identity.user, now: now), now: now) }
    }

    /// Publishes an event to every live session of `user`: each session's log stamps its own
    /// seq and holds the same shared bytes (SESSION-10, HUB-6); a detached session keeps it for
    /// its resumption (SESSION-15), an attached one hands it to its transport at once.
    mutating func publish(_ event: SharedEvent, toUser user: String, now: Instant) {
        forEachSession(of: user) { core, session in
            guard let id = core.registry.enqueue(event, to: session) else { return }
            core.withMachine(id, now: now) { machine, registry in machine.flushEvents(now: now, registry: &registry) }
        }
    }

    /// Sends an ephemeral message (typing, presence, queue position) to every attached session
    /// of `user`; detached sessions miss it (SESSION-10).
    mutating func deliver(_ message: SharedEvent, toUser user: String, now: Instant) {
        forEachSession(of: user) { core, session in core.deliver(message, toSession: session, now: now) }
    }

    /// Sends an ephemeral message to `session` through its log, if it is attached: coalesced
    /// with an older one for the same state, or shed while the client is far behind (HUB-8, HUB-10).
    mutating func deliver(_ message: SharedEvent, toSession session: String, now: Instant) {
        guard let (id, shed) = registry.enqueueEphemeral(message, to: session) else { return }
        // A shed typing set is sent again, as it is then, when the client catches up (HUB-19).
        if shed, case .typers(let typers) = message.message { staleTypers[session, default: []].insert(typers.conversation) }
        withMachine(id, now: now) { machine, registry in machine.flushEvents(now: now, registry: &registry) }
    }

    /// Runs `body` for each live session of `user`, in a stable order.
    private mutating func forEachSession(of user: String, _ body: (inout ServerCore, String) -> Void) {
        guard let sessions = sessionsByUser[user] else { return }
        // Usually one session: no sorted copy on the fan-out path.
        if sessions.count == 1, let session = sessions.first {
            body(&self, session)
            return
        }
        for session in sessions.sorted() { body(&self, session) }
    }

    /// Hands a command's result to its session (SESSION-12).
    mutating func complete(_ result: Message, session: String, now: Instant) {
        guard let id = registry.complete(result, session: session, now: now) else { return }
        withMachine(id, now: now) { machine, registry in machine.complete(result, now: now, registry: &registry) }
    }
}
