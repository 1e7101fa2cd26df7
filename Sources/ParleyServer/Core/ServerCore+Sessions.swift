import ParleyCore
import ParleyWire

/// What the hub hears from the session shard, the bookkeeping of who is connected, and what it
/// sends the sessions.
extension ServerCore {
    /// Hears one thing the shard told it.
    mutating func hear(_ input: HubInput, now: Instant) {
        switch input {
        case .admit(let id, let auth, let address, let transport):
            if let refusal = admissionRefusal(auth, from: address, now: now) {
                tell(.authenticated(id, .failure(refusal)))
            } else if auth.scheme == "transport" {
                // SESSION-38: the identity the transport established, or none.
                let answer: Result<AuthenticatedIdentity, AuthFailure> = transport.map { .success($0) } ?? .failure(AuthFailure(
                    .authFailed, "this connection's transport established no identity", requirement: "SESSION-38"))
                tell(.authenticated(id, admitted(answer, from: address, anonymous: false, now: now)))
            } else {
                pending.authenticate(auth, on: id)
            }
        case .answered(let id, let result, let address, let anonymous):
            tell(.authenticated(id, admitted(result, from: address, anonymous: anonymous, now: now)))
        case .established(let established):
            noteEstablished(established, now: now)
        case .dispatch(let command):
            guard let record = sessions[command.session] else { return }
            dispatch(command, actor: record.identity, now: now)
        case .resync(let session, let staleTypers):
            resyncPresence(of: session, now: now)
            resyncTypers(of: session, staleTypers, now: now)
        case .detached(let id, let session):
            guard let record = sessions[session] else { return }
            userDetached(record.identity, connection: id, now: now)
        case .sessionEnded(let session):
            sessionEnded(session, now: now)
        case .closed(let address):
            addressLimiter.disconnect(address, now: now)
        }
    }

    /// A connection established its session: records the session and its user, and tells the
    /// live-chat core that the user is here (ROUTE-2, ROUTE-10, CONV-20).
    private mutating func noteEstablished(_ established: HubInput.Established, now: Instant) {
        let wire = established.identity
        let identity = ChatIdentity(user: wire.user, role: wire.role, teams: Set(wire.teams), vouched: established.vouched)
        let site = wire.site ?? configuration.site
        apply(presence.connect(
            PresenceConnectionID(established.connection.rawValue),
            identity: PresenceIdentity(user: wire.user, role: wire.role, site: site, teams: wire.teams), now: now), now: now)
        sessions[established.session, default: SessionRecord(identity: identity, site: site)].identity = identity
        sessions[established.session]?.site = site
        users[identity.user, default: UserRecord()].sessions[established.session] = established.handle
        users[identity.user]?.address = established.address
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

    /// Signs `user` out (the host's logout, a revoked account): every connection of theirs —
    /// or, with `login`, only those whose credentials came from that login session of the host
    /// (one device's logout) — closes with `CREDENTIALS_EXPIRED` (SESSION-39). Their sessions
    /// stay resumable by a hello whose credentials pass again.
    public mutating func signOut(_ user: String, login: String? = nil, now: Instant) -> [ServerOutput] {
        end(user, login: login, Termination(code: .credentialsExpired, message: "signed out", requirement: "SESSION-39"), now: now)
        return emit(now: now)
    }

    /// Ends the connections of `user` (with `login`, those whose credentials came from it), in
    /// the order they opened; their sessions stay resumable.
    mutating func end(_ user: String, login: String?, _ termination: Termination, now: Instant) {
        guard let sessions = users[user]?.sessions, !sessions.isEmpty else { return }
        tell(.endConnections(sessions: sessions.keys.sorted(), login: login, termination))
    }

    /// Connection `connection` of `identity` went away; the session stays resumable.
    private mutating func userDetached(_ identity: ChatIdentity, connection: ConnectionID, now: Instant) {
        apply(presence.disconnect(PresenceConnectionID(connection.rawValue), now: now), now: now)
        users[identity.user]?.attached -= 1
        guard users[identity.user]?.attached == 0 else { return }
        if identity.isStaff { apply(chat.agentDisconnected(identity.user, now: now), now: now) }
    }

    /// A session ended (its resume window passed, or a goodbye): a visitor with no session
    /// left has left the site.
    private mutating func sessionEnded(_ session: String, now: Instant) {
        guard let record = sessions.removeValue(forKey: session) else { return }
        for feed in record.feeds.values { feedSubscribers[feed]?.remove(session) }
        let identity = record.identity
        users[identity.user]?.sessions[session] = nil
        guard users[identity.user]?.sessions.isEmpty ?? true else { return }
        users[identity.user] = nil
        if !identity.isStaff { apply(chat.visitorLeft(identity.user, now: now), now: now) }
    }

    /// Publishes an event to every live session of `users`: each session's log stamps its own
    /// seq and holds the same shared bytes (SESSION-10, HUB-6); a detached session keeps it for
    /// its resumption (SESSION-15), an attached one hands it to its transport at once. One
    /// delivery for the shard, whatever the number of recipients.
    mutating func publish(_ event: SharedEvent, toUsers users: [String], now: Instant) {
        let handles = sessionHandles(of: users)
        if !handles.isEmpty { tell(.deliver(event, handles)) }
    }

    /// Sends an ephemeral message (typing, presence, queue position) to every attached session
    /// of `users`; detached sessions miss it (SESSION-10).
    mutating func deliver(_ message: SharedEvent, toUsers users: [String], now: Instant) {
        let handles = sessionHandles(of: users)
        if !handles.isEmpty { tell(.deliverEphemeral(message, handles)) }
    }

    /// Sends an ephemeral message to each of `sessions` that is attached: coalesced with an
    /// older one for the same state, or shed while the client is far behind (HUB-8, HUB-10).
    mutating func deliver(_ message: SharedEvent, toSessions sessions: [String], now: Instant) {
        let handles = sessions.compactMap(handle(of:))
        if !handles.isEmpty { tell(.deliverEphemeral(message, handles)) }
    }

    /// The handles of every live session of `users`, user by user, each user's in a stable order.
    private func sessionHandles(of users: [String]) -> [SessionHandle] {
        var handles: [SessionHandle] = []
        handles.reserveCapacity(users.count)
        for user in users {
            guard let sessions = self.users[user]?.sessions else { continue }
            // Usually one session: no sorted copy on the fan-out path.
            if sessions.count == 1, let handle = sessions.first?.value {
                handles.append(handle)
            } else {
                handles += sessions.sorted(by: { $0.key < $1.key }).map(\.value)
            }
        }
        return handles
    }

    /// Hands a command's result to its session (SESSION-12).
    mutating func complete(_ result: Message, session: String, now: Instant) {
        tell(.complete(session: session, result))
    }
}

