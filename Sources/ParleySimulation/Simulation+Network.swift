import ParleyCore
import ParleyServer
import ParleyWire

/// The simulated network and clock: connections opening, carrying messages in order,
/// breaking (a lost message on a reliable stream is a broken connection: what was in flight
/// is discarded), closing from either end, and time passing.
extension Simulation {
    func linkIndex(_ id: ConnectionID) -> Int? { links.firstIndex { $0.id == id } }

    /// Opens a connection for user `u` and starts its handshake.
    mutating func connect(_ u: Int) {
        users[u].reconnectAt = nil
        let (id, outputs) = core.open(now: now, from: .loopback)
        links.append(SimulatedLink(id: id, user: u))
        users[u].link = id
        if tracing { log("\(label(u)) opens \(id.rawValue)") }
        handle(outputs)
        perform(users[u].client.connect(now: now), user: u)
    }

    /// Carries one to three messages over one connection, in one direction.
    mutating func carry() {
        var choices: [(Int, Bool)] = []
        for (i, link) in links.enumerated() {
            if !link.toServer.isEmpty { choices.append((i, true)) }
            if !link.toClient.isEmpty, !isPaused(link.user) { choices.append((i, false)) }
        }
        guard let (i, toServer) = random.pick(choices) else { return }
        let id = links[i].id
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            if toServer { deliverToServer(id) } else { deliverToClient(id) }
        }
    }

    func isPaused(_ u: Int) -> Bool { users[u].pausedUntil.map { $0 > now } ?? false }

    mutating func deliverToServer(_ id: ConnectionID) {
        guard let i = linkIndex(id), let message = links[i].toServer.popFirst() else { return }
        statistics.transported += 1
        if tracing { log("\(label(links[i].user)) -> server \(id.rawValue): \(describe(message))") }
        serverInput(core.receive(message, on: id, now: now))
        if let j = linkIndex(id), links[j].clientClosed, links[j].toServer.isEmpty { serverLearnsClosed(id) }
    }

    mutating func deliverToClient(_ id: ConnectionID) {
        guard let i = linkIndex(id), let message = links[i].toClient.popFirst() else { return }
        let u = links[i].user
        statistics.transported += 1
        if tracing { log("server \(id.rawValue) -> \(label(u)): \(describe(message))") }
        if users[u].link == id { perform(users[u].client.receive(message, now: now), user: u, received: message) }
        if let j = linkIndex(id), links[j].serverClosed, links[j].toClient.isEmpty, users[u].link == id {
            clientLosesLink(u, reconnectIn: reconnectDelay(long: false))
        }
        removeFinishedLinks()
    }

    /// Carries out the server's outputs: queue what it writes, close what it closes.
    mutating func handle(_ outputs: [ServerOutput]) {
        var closing: [ConnectionID] = []
        for output in outputs {
            switch output {
            case .send(let id, let items):
                guard let i = linkIndex(id) else { continue }
                for message in items.map(\.message) {
                    checkDurable(message)
                    guard links[i].carriesToClient else { continue }
                    links[i].toClient.append(message)
                }
            case .close(let id, let code):
                if tracing { log("server closes \(id.rawValue) (\(code))") }
                closing.append(id)
            case .measured:
                break
            case .authenticate(let id, let auth):
                // Slow answers are a fault like the others: they stop when the run settles.
                let delay = settling ? 0 : UInt64.random(in: 0...configuration.authenticationDelayMs, using: &random)
                authentications.append((now.adding(milliseconds: delay), id, auth))
            case .persist(let batch):
                writes.append((now.adding(milliseconds: writeDelay()), batch))
            case .load(let request):
                reads.append((now.adding(milliseconds: writeDelay()), request))
            }
        }
        for id in closing {
            guard let i = linkIndex(id), !links[i].serverClosed else { continue }
            links[i].serverClosed = true
            links[i].toServer.discard()
            serverLearnsClosed(id)
        }
        noteEstablishedSessions()
    }

    /// Notes the sessions the server established on connections whose hello it was answered
    /// for: at once, or — its shard and hub working on — after a later input.
    mutating func noteEstablishedSessions() {
        for id in establishing.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let i = linkIndex(id), links[i].carriesToClient else {
                establishing.remove(id)
                continue
            }
            guard let (session, user) = core.establishedSession(on: id) else { continue }
            establishing.remove(id)
            noteSession(session, identity: user, user: links[i].user)
        }
    }

    /// The server established a session on a connection: what reaches this user from the input
    /// that established it on goes to that session (its welcome may wait for the store,
    /// STORE-1, but the session already receives what is published — assignments made as an
    /// agent signs in included).
    mutating func noteSession(_ session: String, identity user: String, user u: Int) {
        users[u].serverSession = session
        // An anonymous visitor whose first welcome was lost is a new visitor to the server.
        users[u].name = user
        userByName[user] = u
    }

    /// How long the store takes to write a batch: random up to the configured delay while
    /// faults run, at once when settling.
    mutating func writeDelay() -> UInt64 {
        settling ? 0 : UInt64.random(in: 0...configuration.persistDelayMs, using: &random)
    }

    /// The store finished writing a batch: it failed (the host writes it again) or the batch is
    /// durable and the server is told.
    mutating func finishWrite(_ write: (at: Instant, batch: PersistBatch)) {
        if !settling, configuration.persistFailurePercent > 0,
           UInt64.random(in: 0..<100, using: &random) < configuration.persistFailurePercent {
            statistics.failedWrites += 1
            if tracing { log("store fails batch \(write.batch.id)") }
            writes.append((now.adding(milliseconds: writeDelay()), write.batch))
            serverInput(core.persistFailed(write.batch.id, now: now))
            return
        }
        statistics.batches += 1
        if tracing { log("store confirms batch \(write.batch.id)") }
        // Confirmations come in any order, but a store applies batches in theirs (a record
        // replaces the one of an earlier batch, never of a later one): held until it is next.
        confirmedAhead[write.batch.id] = write.batch
        while let next = confirmedAhead.removeValue(forKey: appliedThrough + 1) {
            store.apply(next.changes)
            appliedThrough += 1
        }
        serverInput(core.persisted(write.batch.id, now: now))
    }

    /// The store answers a read of archived conversations from what it holds (STORE-5).
    mutating func answerRead(_ request: LoadRequest) {
        statistics.archiveReads += 1
        if tracing { log("store answers read \(request.id) (\(request.query))") }
        serverInput(core.loaded(request.id, store.answer(request.query), now: now))
    }

    /// The server's transport reports the connection closed.
    mutating func serverLearnsClosed(_ id: ConnectionID) {
        guard let i = linkIndex(id), !links[i].serverDone else { return }
        links[i].serverDone = true
        links[i].serverClosed = true
        serverInput(core.connectionClosed(id, now: now))
        if let j = linkIndex(id), links[j].toClient.isEmpty, users[links[j].user].link == id {
            clientLosesLink(links[j].user, reconnectIn: reconnectDelay(long: false))
        }
        removeFinishedLinks()
    }

    /// The client's transport reports the connection gone; it reconnects after `delay`.
    mutating func clientLosesLink(_ u: Int, reconnectIn delay: UInt64) {
        guard let id = users[u].link else { return }
        users[u].link = nil
        users[u].client.connectionLost(now: now)
        if let i = linkIndex(id) { links[i].toClient.discard(); links[i].clientDone = true }
        scheduleReconnect(u, in: delay)
        removeFinishedLinks()
    }

    /// The client closed its connection (after a fatal error, a timeout, a gap, or goodbye):
    /// what it wrote still reaches the server, then the server sees the close.
    mutating func clientCloses(_ u: Int) {
        guard let id = users[u].link, let i = linkIndex(id) else { return }
        users[u].link = nil
        links[i].clientClosed = true
        links[i].clientDone = true
        links[i].toClient.discard()
        if tracing { log("\(label(u)) closes \(id.rawValue)") }
        if links[i].toServer.isEmpty { serverLearnsClosed(id) }
        if users[u].lifecycle == .present { scheduleReconnect(u, in: reconnectDelay(long: false)) }
        removeFinishedLinks()
    }

    /// A random connection breaks: everything in flight is lost. The client notices at once;
    /// the server at once, a little later, or only through its heartbeat timeout.
    mutating func breakLink() {
        guard let i = random.pick(links.indices.filter { !links[$0].broken && !links[$0].clientDone }) else { return }
        breakLink(links[i].id, reconnectIn: reconnectDelay(long: random.chance(12)))
    }

    mutating func breakLink(_ id: ConnectionID, reconnectIn delay: UInt64) {
        guard let i = linkIndex(id) else { return }
        statistics.drops += 1
        links[i].broken = true
        links[i].toServer.discard()
        links[i].toClient.discard()
        if tracing { log("link \(id.rawValue) of \(label(links[i].user)) breaks") }
        let u = links[i].user
        if users[u].link == id { clientLosesLink(u, reconnectIn: delay) }
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<5: serverLearnsClosed(id)
        case 5..<8: lateNotices.append((now.adding(milliseconds: UInt64.random(in: 1...8_000, using: &random)), id))
        default: break // half-open: the server's heartbeat timeout finds it (SESSION-27)
        }
        removeFinishedLinks()
    }

    mutating func reconnectDelay(long: Bool) -> UInt64 {
        long ? UInt64.random(in: 35_000...120_000, using: &random) : UInt64.random(in: 0...3_000, using: &random)
    }

    mutating func scheduleReconnect(_ u: Int, in delay: UInt64) {
        guard users[u].lifecycle == .present else { return }
        users[u].reconnectAt = now.adding(milliseconds: settling ? 0 : delay)
    }

    mutating func removeFinishedLinks() {
        links.removeAll { $0.serverDone && ($0.clientDone || $0.toClient.isEmpty) }
    }

    // MARK: Clients

    /// Carries out a client's actions; `received` is the message that caused them, if any.
    mutating func perform(_ actions: [ClientSession.Action], user u: Int, received: Message? = nil) {
        if let received { inspect(received, user: u) }
        for action in actions {
            switch action {
            case .send(let message):
                if let id = users[u].link, let i = linkIndex(id), !links[i].broken { links[i].toServer.append(message) }
            case .close:
                clientCloses(u)
            case .armTimer(let deadline):
                users[u].timer = deadline
            case .notify(let notification):
                observe(notification, user: u)
            }
        }
    }

    /// Issues a command from user `u`, remembering that it is owed an outcome.
    mutating func issue(_ command: Message, user u: Int) {
        let (rid, actions) = users[u].client.issue(command, now: now)
        users[u].unanswered.insert(rid)
        if tracing { log("\(label(u)) issues \(describe(command.settingCommandRID(rid)))") }
        perform(actions, user: u)
    }

    /// Sends a signal from user `u` if connected.
    mutating func signal(_ message: Message, user u: Int) {
        if tracing { log("\(label(u)) signals \(describe(message))") }
        perform(users[u].client.signal(message, now: now), user: u)
    }

    // MARK: Clock

    /// Fires everything due at `now`: server timers, late close notices, client timers,
    /// reconnections.
    mutating func fireDue() {
        if let deadline = core.nextDeadline, deadline <= now { serverInput(core.tick(now: now)) }
        while let k = lateNotices.firstIndex(where: { $0.at <= now }) { serverLearnsClosed(lateNotices.remove(at: k).id) }
        while let k = authentications.firstIndex(where: { $0.at <= now }) { answerAuthentication(authentications.remove(at: k)) }
        while let k = writes.firstIndex(where: { $0.at <= now }) { finishWrite(writes.remove(at: k)) }
        while let k = reads.firstIndex(where: { $0.at <= now }) { answerRead(reads.remove(at: k).request) }
        for u in users.indices where users[u].lifecycle == .present {
            if let timer = users[u].timer, timer <= now {
                users[u].timer = nil
                perform(users[u].client.tick(now: now), user: u)
            }
            if users[u].link == nil, let at = users[u].reconnectAt, at <= now { connect(u) }
        }
    }

    /// The host's authenticator answers a hello; the answer may find the connection closed or
    /// past its handshake deadline (SESSION-3), which the server must ignore.
    mutating func answerAuthentication(_ pending: (at: Instant, id: ConnectionID, auth: Wire.Auth)) {
        if tracing { log("authenticator answers \(pending.id.rawValue)") }
        if !core.awaitsAuthentication(on: pending.id) { statistics.lateAuthentications += 1 }
        let outputs = core.authenticated(authenticator.authenticate(pending.auth, now: now), on: pending.id, now: now)
        // A session opened on a link the client already lost (a slow authenticator answered
        // after the client moved on) is read by nobody: it is not where the user's messages are owed.
        if let i = linkIndex(pending.id), links[i].carriesToClient { establishing.insert(pending.id) }
        serverInput(outputs)
    }

    /// The earliest pending deadline of anything in the simulation.
    var nextDeadline: Instant? {
        var next = core.nextDeadline
        for notice in lateNotices { next = min(next ?? notice.at, notice.at) }
        for pending in authentications { next = min(next ?? pending.at, pending.at) }
        for write in writes { next = min(next ?? write.at, write.at) }
        for read in reads { next = min(next ?? read.at, read.at) }
        for user in users where user.lifecycle == .present {
            for at in [user.timer, user.link == nil ? user.reconnectAt : nil].compactMap({ $0 }) { next = min(next ?? at, at) }
        }
        return next
    }

    /// Moves the clock forward by `milliseconds`, firing every deadline on the way in order.
    mutating func advance(by milliseconds: UInt64) {
        let end = now.adding(milliseconds: milliseconds)
        var rounds = 0
        while let next = nextDeadline, next <= end, rounds < 10_000 {
            endBatch()
            now = max(now, next)
            fireDue()
            rounds += 1
        }
        endBatch()
        now = end
        fireDue()
    }

    /// The clock jumps (a suspended host): everything overdue fires at once, late.
    mutating func jump() {
        statistics.clockJumps += 1
        let by = UInt64.random(in: 20_000...200_000, using: &random)
        if tracing { log("clock jumps \(by) ms") }
        endBatch()
        now = now.adding(milliseconds: by)
        fireDue()
    }
}
