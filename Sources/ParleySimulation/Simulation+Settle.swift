import ParleyCore
import ParleyWire

/// The end of a run: faults stop, everyone still around comes back and reads, the network
/// drains; then expiries pass and typing and presence must agree with the truth.
extension Simulation {
    /// Settles the run and checks what must hold once it is quiet.
    mutating func settle() {
        settling = true
        if tracing { log("settling") }
        for u in presentUsers {
            users[u].pausedUntil = nil
            if users[u].link == nil { users[u].reconnectAt = now }
        }
        drain()
        guard violation == nil else { return }
        for u in presentUsers {
            statistics.checks += 1
            let user = users[u]
            if !user.client.isEstablished || !user.unanswered.isEmpty {
                fail("SESSION-12, SESSION-19", "\(label(u)) did not settle: established \(user.client.isEstablished), unanswered \(user.unanswered.sorted())")
            } else if !user.owesNothing {
                let owed = user.owed.keys.sorted().map { "\($0): \(user.owed[$0]!.remaining.map(\.description))" }
                fail("SESSION-14, SESSION-20, CONV-23", "\(label(u)) stayed and never got \(owed.joined(separator: "; "))")
            }
        }
        guard violation == nil else { return }
        checkDurability()
        guard violation == nil else { return }
        checkRecovery()
        guard violation == nil else { return }
        checkConvergence()
    }

    /// Delivers everything, lets timers run in small steps, until nothing moves.
    mutating func drain() {
        for _ in 0..<400 {
            var moved = true
            while moved && violation == nil {
                moved = false
                for id in links.map(\.id) {
                    guard let i = linkIndex(id) else { continue }
                    if !links[i].toServer.isEmpty { deliverToServer(id); moved = true }
                    if let j = linkIndex(id), !links[j].toClient.isEmpty { deliverToClient(id); moved = true }
                }
                accountAccepted()
            }
            let quiet = presentUsers.allSatisfy { users[$0].client.isEstablished && users[$0].unanswered.isEmpty }
                && links.allSatisfy { $0.toServer.isEmpty && $0.toClient.isEmpty }
                && core.queuedInputs == (0, 0)
            if quiet || violation != nil { return }
            advance(by: 100)
        }
    }

    /// Once quiet, every batch is confirmed and every event the server accepted is in the store:
    /// nothing confirmed was lost, whatever failed on the way (STORE-2, STORE-3).
    mutating func checkDurability() {
        statistics.checks += 1
        if core.unconfirmedBatches > 0 { fail("STORE-2", "\(core.unconfirmedBatches) batches are still unconfirmed once quiet") }
        for (id, last) in accountedCseq.sorted(by: { $0.key < $1.key }) where last > 0 {
            guard let missing = (1...last).first(where: { !store.holds(id, cseq: $0) }) else { continue }
            fail("STORE-2", "\(id)#\(missing) was accepted but never written to the store")
            return
        }
    }

    /// After the typing expiry, the heartbeat timeout and the presence grace: nobody types any more and every client
    /// saw that (TYPE-3, TYPE-4, TYPE-15); subscribers see present visitors online and
    /// departed ones offline (PRES-3, PRES-6, PRES-7, PRES-22).
    mutating func checkConvergence() {
        for u in presentUsers where users[u].isStaff {
            users[u].presence = [:]
            users[u].presenceLink = users[u].link
            issue(.subscribe(Wire.Subscribe(rid: 0, topic: "presence:visitors")), user: u)
        }
        let server = configuration.server
        // A half-open connection is found by the heartbeat timeout (SESSION-27); its user's
        // grace period starts only then.
        let quiet = max(server.typing.expiryMilliseconds, server.session.heartbeatTimeoutMs + server.presence.gracePeriodMilliseconds)
            + server.presence.coalescingWindowMilliseconds + 1_000
        var waited: UInt64 = 0
        while waited < quiet && violation == nil {
            drain()
            advance(by: 500)
            waited += 500
        }
        drain()
        guard violation == nil else { return }
        for id in core.chat.conversationIDs where !core.typing.typers(in: id).isEmpty {
            fail("TYPE-3", "the server still shows typers in \(id) after the expiry: \(core.typing.typers(in: id).map(\.user))")
        }
        for u in presentUsers {
            for conversation in users[u].typers.keys.sorted() {
                guard let (typers, link) = users[u].typers[conversation], link == users[u].link else { continue }
                statistics.checks += 1
                if !typers.isEmpty { fail("TYPE-3, TYPE-4, TYPE-15", "\(label(u)) still sees \(typers.map(\.user)) typing in \(conversation)") }
            }
        }
        for agent in presentUsers where users[agent].isStaff && users[agent].presenceLink == users[agent].link {
            for visitor in users.indices where !users[visitor].isStaff {
                guard let name = users[visitor].name else { continue }
                statistics.checks += 1
                let seen = users[agent].presence[name]
                if users[visitor].lifecycle == .present && (seen == nil || seen == .offline) {
                    fail("PRES-3, PRES-22", "\(label(agent)) sees present visitor \(name) as \(seen.map { "\($0)" } ?? "absent")")
                } else if users[visitor].lifecycle == .gone, let seen, seen != .offline {
                    fail("PRES-6, PRES-7", "\(label(agent)) still sees departed visitor \(name) as \(seen); server: \(String(describing: core.presence.currentPresence(of: name)))")
                }
            }
        }
    }
}

/// Short, readable renderings of messages for the trace.
func describe(_ message: Message) -> String {
    switch message {
    case .event(let e):
        "event seq \(e.seq) \(e.event.conversation)#\(e.event.cseq) \(e.event.kind) \(e.event.sender ?? "") \(e.event.text ?? "")"
    case .send(let s): "send rid \(s.rid) \(s.conversation) \(s.clientMessageId)"
    case .note(let n): "note rid \(n.rid) \(n.conversation) \(n.clientMessageId)"
    case .ack(let a): "ack \(a.seq)"
    case .welcome(let w): "welcome \(w.session) as \(w.identity.user) resume \(w.resume.map { "\($0.status)" } ?? "-")"
    case .hello(let h): "hello rid \(h.rid) \(h.auth.scheme) resume lastSeq \(h.resume.map { "\($0.lastSeq)" } ?? "-")"
    case .ok(let o): "ok rid \(o.rid) \(o.conversation ?? "") \(o.cseq.map { "#\($0)" } ?? "")"
    case .error(let e): "error rid \(e.rid.map { "\($0)" } ?? "-") code \(e.code) \(e.message)"
    case .agentStatus(let a): "agentStatus rid \(a.rid) \(a.routing) max \(a.maxConcurrent.map { "\($0)" } ?? "-")"
    case .typers(let t): "typers \(t.conversation) \(t.typers.map(\.user))"
    case .presence(let p): "presence \(p.user) \(p.status)"
    default: message.name
    }
}
