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
            case .close(let code):
                pending.close(id, code)
                connectionTimers[id] = nil
            case .armTimer(let deadline):
                connectionTimers[id] = deadline
                connectionTimerQueue.push(deadline, id)
            case .authenticate(let auth):
                let result = authenticator.authenticate(auth, now: now)
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
        apply(presence.connect(
            PresenceConnectionID(id.rawValue), identity: PresenceIdentity(user: wire.user, role: wire.role, site: site, teams: wire.teams),
            now: now), now: now)
        userOfSession[session] = identity
        let firstSession = sessionsByUser[identity.user, default: []].isEmpty
        sessionsByUser[identity.user, default: []].insert(session)
        attachedByUser[identity.user, default: 0] += 1
        guard attachedByUser[identity.user] == 1 else { return }
        if identity.isStaff {
            if chat.router.hasAgent(identity.user) {
                apply(chat.agentReconnected(identity.user, now: now), now: now)
            } else {
                let teams = identity.teams.filter(configuration.teams.contains).sorted()
                let outcome = chat.registerAgent(
                    identity.user, teams: teams.isEmpty ? [configuration.chat.defaultTeam] : teams, now: now)
                apply(outcome.actions, now: now)
            }
        } else if firstSession {
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
        for channel in (subscriptionsOfSession.removeValue(forKey: session) ?? [:]).values {
            channelSubscribers[channel]?.remove(session)
        }
        guard let identity = userOfSession.removeValue(forKey: session) else { return }
        sessionsByUser[identity.user]?.remove(session)
        guard sessionsByUser[identity.user]?.isEmpty ?? true else { return }
        sessionsByUser[identity.user] = nil
        if !identity.isStaff { apply(chat.visitorPresenceChanged(identity.user, onSite: false, now: now), now: now) }
    }

    /// Delivers an event or ephemeral message to every live session of `user` (detached
    /// sessions retain events for their resumption, SESSION-14).
    /// With `shared`, the event goes out as those bytes behind each session's own seq (HUB-5).
    mutating func deliver(_ message: Message, shared: SharedEvent? = nil, toUser user: String, now: Instant) {
        guard let sessions = sessionsByUser[user] else { return }
        // Usually one session: no sorted copy on the fan-out path; several go in a stable order.
        if sessions.count == 1, let session = sessions.first {
            deliver(message, shared: shared, toSession: session, now: now)
            return
        }
        for session in sessions.sorted() { deliver(message, shared: shared, toSession: session, now: now) }
    }

    /// Delivers an event or ephemeral message to one session.
    mutating func deliver(_ message: Message, shared: SharedEvent? = nil, toSession session: String, now: Instant) {
        guard let id = registry.deliver(message, to: session, now: now), var machine = connections[id] else { return }
        let actions = machine.deliver(message, now: now, registry: &registry)
        connections[id] = machine
        for action in actions {
            // The event this call stamped is written as the shared bytes plus its seq.
            if let shared, case .send(let stamped) = action, let seq = stamped.seq {
                pending.send(.event(seq: seq, shared), to: id)
            } else {
                perform([action], on: id, now: now)
            }
        }
    }

    /// Hands a command's result to its session (SESSION-12).
    mutating func complete(_ result: Message, session: String, now: Instant) {
        guard let id = registry.complete(result, session: session, now: now) else { return }
        withMachine(id, now: now) { machine, registry in machine.complete(result, now: now, registry: &registry) }
    }
}
