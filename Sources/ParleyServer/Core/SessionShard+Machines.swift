import ParleyCore
import ParleyWire

/// Running the connections' session machines and carrying out their actions.
extension SessionShard {
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
            actions = connections[slot: index].machine.authenticated(result, now: now, registry: &registry)
            perform(actions, on: id, now: now)
            if case .success(let authenticated) = result { established(id, authenticated) }
            return
        case .complete(let result, let session):
            guard connections[slot: index].machine.session == session else {
                // The connection closed since the result was queued for it (a flush before it
                // found a slow consumer): the session keeps it, or hands it to where it resumed.
                if registry.connection(of: session) != id { complete(result, session: session, now: now) }
                return
            }
            actions = connections[slot: index].machine.complete(result, now: now, registry: &registry)
        case .flush:
            flushesDue.remove(id)
            actions = connections[slot: index].machine.flushEvents(now: now, registry: &registry)
        case .replaced:
            actions = connections[slot: index].machine.replaced(now: now)
        case .terminate(let termination):
            actions = connections[slot: index].machine.terminate(
                termination.code, termination.message, requirement: termination.requirement, retryAfterMs: termination.retryAfterMs,
                now: now, registry: &registry)
        }
        perform(actions, on: id, now: now)
    }

    /// Carries out a session machine's actions for connection `id`, in order.
    mutating func perform(_ actions: [ServerSession.Action], on id: ConnectionID, now: Instant) {
        for action in actions {
            switch action {
            case .send(let message):
                sends.send(.message(message), to: id)
            case .sendEvent(let delivery):
                switch delivery.kind {
                case .durable: sends.send(.event(seq: delivery.seq, delivery.payload), to: id)
                case .ephemeral: sends.send(.message(delivery.payload.message), to: id)
                }
            case .resyncEphemeral:
                guard let session = connections[id]?.session else { continue }
                outbox.append(.resync(session: session, staleTypers: staleTypers.removeValue(forKey: session) ?? []))
            case .close(let code):
                sends.close(id, code)
                connections[id]?.deadline = nil
                // The connection carries its session no more: the user left through it now, not
                // when the transport's close arrives (perhaps after the resume window). A goodbye
                // ends the session at once (SESSION-34), and a visitor with no session left is
                // gone (CONV-8).
                if let session = connections[id]?.session {
                    detach(id)
                    if registry.identity(of: session) == nil { sessionEnded(session) }
                }
            case .armTimer(let deadline):
                connections[id]?.deadline = deadline
                connectionTimerQueue.push(deadline, id)
            case .authenticate(let auth):
                guard let connection = connections[id] else { continue }
                let transport = auth.scheme == "transport" ? connection.transportIdentity?.value : nil
                outbox.append(.admit(id, auth, address: connection.address, transport: transport))
            case .dispatch(let message):
                guard let connection = connections[id], let session = connection.session else { continue }
                outbox.append(.dispatch(HubInput.Dispatch(
                    message: message, connection: id, session: session,
                    maxFrame: connection.machine.peerMaxFrame ?? UInt64(Frame.initialMaxPayload), address: connection.address)))
            case .replace(let other):
                run(.replaced, on: other, now: now)
                detach(other)
            }
        }
    }

    /// After authentication: records the connection's session and when its credentials expire
    /// (SESSION-39), and tells the hub that the user is here.
    private mutating func established(_ id: ConnectionID, _ authenticated: AuthenticatedIdentity) {
        guard let connection = connections[id], connection.session == nil, let session = connection.machine.session,
              let identity = registry.identity(of: session), let handle = registry.handle(of: session) else { return }
        connections[id]?.session = session
        connections[id]?.login = authenticated.login
        if let expiresAt = authenticated.expiresAt {
            connections[id]?.credentialsExpireAt = expiresAt
            credentialExpiries.push(expiresAt, id)
        }
        outbox.append(.established(HubInput.Established(
            connection: id, session: session, handle: handle, identity: identity, vouched: authenticated.vouched,
            address: connection.address)))
    }

    /// Ends connection `id` with a fatal error (an `error`, then the close) and detaches it
    /// from its session, which stays resumable by a hello whose credentials pass again.
    mutating func end(_ id: ConnectionID, _ termination: Termination, now: Instant) {
        run(.terminate(termination), on: id, now: now)
        detach(id)
    }

    /// Detaches connection `id` from its session, if it carried one.
    private mutating func detach(_ id: ConnectionID) {
        guard let session = connections[id]?.session else { return }
        connections[id]?.session = nil
        outbox.append(.detached(id, session: session))
    }
}
