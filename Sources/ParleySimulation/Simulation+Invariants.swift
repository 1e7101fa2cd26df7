import ParleyCore
import ParleyServer
import ParleyWire

/// The invariants (Spec/simulation.md), checked as messages arrive, after every step, and once
/// the run has settled.
extension Simulation {
    // MARK: Accepted messages owed to participants (SESSION-14, SESSION-20, CONV-23)

    /// Finds the messages and notes the server accepted since the last call and records them
    /// as owed to every participant's current session (CONV-10, CONV-14, CONV-23, SESSION-23).
    mutating func accountAccepted() {
        for id in core.chat.conversationIDs {
            guard let machine = core.chat.conversation(id) else { continue }
            let from = accountedCseq[id] ?? 0
            guard machine.lastCseq > from else { continue }
            accountedCseq[id] = machine.lastCseq
            let events = core.chat.store.events(of: id, in: (from + 1)...machine.lastCseq)
            statistics.checks += 1
            if events.map(\.cseq) != Array((from + 1)...machine.lastCseq) {
                fail("CONV-10", "\(id) stored cseqs \(events.map(\.cseq)) for \(from + 1)...\(machine.lastCseq)")
            }
            let staffBefore = accountedStaff[id] ?? []
            accountedStaff[id] = machine.staff
            // Staff who became staff are sent earlier events first (CONV-31).
            for event in events where event.grantsMembership {
                guard let name = event.agent, !staffBefore.contains(name), let u = userByName[name],
                      let session = users[u].serverSession else { continue }
                users[u].catchUp[session, default: [:]][id] = (through: event.cseq - 1, last: 0)
            }
            accountObservers(of: machine, events: events, staffBefore: staffBefore)
            for (offset, event) in events.enumerated() where event.kind == .message || event.kind == .note {
                statistics.accepted += 1
                if let clientID = event.clientMessageId, !acceptedKeys.insert((event.sender ?? "?") + "/" + clientID).inserted {
                    fail("SESSION-22, SESSION-23", "\(event.sender ?? "?") message \(clientID) accepted twice (\(id)#\(event.cseq))")
                }
                let key = MessageKey(conversation: id, cseq: event.cseq)
                // Staff who joined later in the same input (a create's first message precedes
                // its assignment) were not there yet.
                let joinedLater = Set(events[(offset + 1)...].filter(\.grantsMembership).compactMap(\.agent))
                let staff = machine.informedStaff.filter { staffBefore.contains($0) || !joinedLater.contains($0) }
                let recipients = (event.isVisible(to: .visitor) ? [machine.visitor] : []) + staff
                for name in recipients {
                    guard let u = userByName[name], users[u].lifecycle == .present, let session = users[u].serverSession else { continue }
                    users[u].owed[session, default: MessageKeyQueue()].append(key)
                }
            }
        }
    }

    /// Records who must never be sent each observer's `joined` or `left` appended since the
    /// last call (CONV-39): the observers of the conversation before and after, but the one it
    /// names; and, for an observer joining who was never staff of the conversation, the other
    /// observers' earlier ones (CONV-31 sends it earlier events, not those). Which events are an
    /// observer's comes from the conversation's members before and after, not from the core's
    /// own test of an event.
    mutating func accountObservers(of machine: ConversationMachine, events: [ChatEvent], staffBefore: [String]) {
        let id = machine.id
        let before = accountedObservers[id] ?? []
        let after = Set(machine.members.filter { $0.value == .observer }.keys)
        accountedObservers[id] = after
        let stayed = before.intersection(after)
        var becameStaff: Set<String> = []
        for event in events {
            guard let name = event.agent else { continue }
            // Whether this event made them staff: what they were sent first came with it (CONV-31).
            let madeStaff = event.grantsMembership && !staffBefore.contains(name) && becameStaff.insert(name).inserted
            guard event.kind == .joined ? after.contains(name) : event.kind == .left && before.contains(name) else { continue }
            if event.kind == .joined, madeStaff, !(everStaff[id]?.contains(name) ?? false) {
                for earlier in attendance[id] ?? [] where earlier.observer != name {
                    keep(MessageKey(conversation: id, cseq: earlier.cseq), from: [name])
                }
            }
            attendance[id, default: []].append((event.cseq, name))
            keep(MessageKey(conversation: id, cseq: event.cseq), from: stayed.subtracting([name]))
        }
        everStaff[id, default: []].formUnion(machine.staff)
    }

    /// Records that the event `key` must never reach `observers` (CONV-39).
    mutating func keep(_ key: MessageKey, from observers: Set<String>) {
        let before = unseenBy[key]?.count ?? 0
        unseenBy[key, default: []].formUnion(observers)
        statistics.observersUnseen += unseenBy[key]!.count - before
    }

    /// Nothing the server writes to a client reveals an event the store has not confirmed: not
    /// the event, not the `ok` that names its cseq (STORE-1).
    mutating func checkDurable(_ message: Message) {
        let key: MessageKey? = switch message {
        case .event(let event): MessageKey(conversation: event.event.conversation, cseq: event.event.cseq)
        case .ok(let ok): ok.conversation.flatMap { conversation in ok.cseq.map { MessageKey(conversation: conversation, cseq: $0) } }
        default: nil
        }
        guard let key, !store.holds(key.conversation, cseq: key.cseq) else { return }
        fail("STORE-1", "the server wrote \(describe(message)) before the store confirmed \(key)")
    }

    /// Accounts after every server input, so that each message is owed to those who were
    /// participants when it was accepted.
    mutating func serverInput(_ outputs: [ServerOutput]) {
        handle(outputs)
        runMailboxes(pausing: true)
        if batchEnds.chance(configuration.batchEndPercent) { handle(batchEndOutputs()) }
        accountAccepted()
        checkCapacity()
    }

    /// The server's batch of inputs ends before the clock moves. Its sessions hand out what they
    /// were given, which can change the server too (a slow consumer's connection closes, its
    /// agent's conversations move): accounted and checked like any server input.
    mutating func endBatch() {
        handle(batchEndOutputs())
        accountAccepted()
        checkCapacity()
    }

    /// Runs the inputs queued in the server's mailboxes one at a time, the hub's or the shard's
    /// as the seeded scheduler picks (accounting after each of the hub's, where messages are
    /// accepted); `pausing`, it may leave the rest queued.
    mutating func runMailboxes(pausing: Bool) {
        while violation == nil {
            let queued = core.queuedInputs
            guard queued.shard + queued.hub > 0 else { return }
            if pausing, mailboxChoices.chance(configuration.mailboxPausePercent) { return }
            let mailbox: Mailbox = queued.hub == 0 ? .shard
                : queued.shard == 0 || mailboxChoices.chance(configuration.hubFirstPercent) ? .hub : .shard
            handle(core.runQueued(mailbox, now: now))
            if mailbox == .hub {
                accountAccepted()
                checkCapacity()
            }
        }
    }

    /// The outputs of ending the server's batch of inputs, once every queued input has run.
    private mutating func batchEndOutputs() -> [ServerOutput] {
        runMailboxes(pausing: false)
        let outputs = core.flushDeferred(now: now)
        if tracing && !outputs.isEmpty { log("the server ends its batch of inputs") }
        return outputs
    }

    /// What the application of user `u` learns.
    mutating func observe(_ notification: ClientSession.Notification, user u: Int) {
        switch notification {
        case .established(let session, let resumed):
            if resumed { statistics.resumes += 1 }
            if tracing { log("\(label(u)) established \(session) resumed=\(resumed)") }
            // A session whose welcome never reached the client cannot be resumed: a client starting
            // afresh lists its conversations, so what that session was owed is excused.
            users[u].establishedSessions.insert(session)
            for other in Array(users[u].owed.keys) where !users[u].establishedSessions.contains(other) { users[u].owed[other] = nil }
            if users[u].isStaff {
                issue(.agentStatus(Wire.AgentStatus(rid: 0, routing: users[u].accepting ? .accepting : .notAccepting)), user: u)
            }
        case .resyncNeeded(let status):
            // Told of the gap: what earlier sessions were owed is excused (SESSION-21).
            statistics.gapsReported += 1
            if tracing { log("\(label(u)) told to resync (\(status))") }
            let current = users[u].client.sessionID
            for session in Array(users[u].owed.keys) where session != current { users[u].owed[session] = nil }
        case .event(let message):
            deliverEvent(message, user: u)
        case .result(let message):
            answered(message.resultRID ?? 0, user: u, message)
        case .outcomeUnknown(let command):
            answered(command.commandRID ?? 0, user: u, command)
        case .ephemeral, .error:
            break
        case .disconnected(let reason):
            if tracing { log("\(label(u)) disconnected: \(reason)") }
            clientCloses(u)
        }
    }

    /// Each command has exactly one outcome (SESSION-12, SESSION-19).
    mutating func answered(_ rid: UInt64, user u: Int, _ message: Message) {
        statistics.checks += 1
        if users[u].unanswered.remove(rid) == nil {
            fail("SESSION-12, SESSION-19", "\(label(u)) got a second outcome for rid \(rid): \(describe(message))")
        }
    }

    /// An event handed to the application: the next message owed to this session, exactly
    /// once and in order (SESSION-20, CONV-23).
    mutating func deliverEvent(_ message: Message, user u: Int) {
        guard case .event(let wire) = message else { return }
        let event = wire.event
        if event.kind != .message && event.kind != .note {
            // The user's membership changed: a typing view from before no longer holds (TYPE-7).
            users[u].typers[event.conversation] = nil
            return
        }
        let key = MessageKey(conversation: event.conversation, cseq: event.cseq)
        guard let session = users[u].client.sessionID else { return }
        statistics.checks += 1
        var owed = users[u].owed[session] ?? MessageKeyQueue()
        if owed.first != key, var window = users[u].catchUp[session]?[event.conversation],
           event.cseq <= window.through, event.cseq > window.last {
            window.last = event.cseq
            users[u].catchUp[session]?[event.conversation] = window
            statistics.delivered += 1
            return
        }
        guard owed.first == key else {
            let pending = owed.remaining.prefix(5).map(\.description).joined(separator: ", ")
            let what = owed.remaining.contains(key) ? "ahead of earlier messages (lost or reordered)" : "not owed (duplicate or misdelivered)"
            fail("SESSION-20, CONV-23", "\(label(u)) in \(session) got \(key) \(what); owed: [\(pending)]")
            return
        }
        owed.removeFirst()
        users[u].owed[session] = owed
        statistics.delivered += 1
    }

    // MARK: Privacy (CONV-14, CONV-30, CONV-39, TYPE-8, TYPE-9, PRES-19)

    /// Checks every message a client receives against what its user may see.
    mutating func inspect(_ message: Message, user u: Int) {
        guard let name = users[u].name else { return }
        let visitor = !users[u].isStaff
        // An archived conversation may have left memory for the store (STORE-5).
        func owns(_ conversation: String) -> Bool {
            (core.chat.conversation(conversation) ?? store.records[conversation])?.visitor == name
        }
        statistics.checks += 1
        switch message {
        case .event(let wire) where visitor:
            if !owns(wire.event.conversation) { fail("CONV-30", "visitor \(name) got an event of \(wire.event.conversation)") }
            if wire.event.kind == .note { fail("CONV-14", "visitor \(name) got internal note \(wire.event.conversation)#\(wire.event.cseq)") }
        case .event(let wire):
            let event = wire.event
            if unseenBy[MessageKey(conversation: event.conversation, cseq: event.cseq)]?.contains(name) == true {
                fail("CONV-39", "observer \(name) was sent observer \(event.agent ?? "?")'s \(event.kind.jsonName) (\(event.conversation)#\(event.cseq))")
            }
        case .historyPage(let page) where visitor:
            if !owns(page.conversation) { fail("CONV-30", "visitor \(name) read the history of \(page.conversation)") }
            if page.events.contains(where: { $0.kind == .note }) { fail("CONV-14", "visitor \(name) read a note in \(page.conversation)") }
        case .conversations(let list) where visitor:
            if let other = list.conversations.first(where: { $0.visitor != name }) { fail("CONV-29, CONV-30", "visitor \(name) listed \(other.id)") }
        case .queuePosition(let position) where visitor:
            if !owns(position.conversation) { fail("CONV-30", "visitor \(name) got the queue position of \(position.conversation)") }
        case .typers(let typers):
            if typers.typers.contains(where: { $0.user == name }) { fail("TYPE-8", "\(name) was shown their own typing in \(typers.conversation)") }
            if visitor, !owns(typers.conversation) { fail("CONV-30", "visitor \(name) got typers of \(typers.conversation)") }
            if visitor, typers.typers.contains(where: { $0.internal == true }) { fail("TYPE-9", "visitor \(name) saw internal typing in \(typers.conversation)") }
            if let link = users[u].link { users[u].typers[typers.conversation] = (typers.typers, link) }
        case .presence(let presence):
            if visitor, presence.role == .visitor, presence.user != name { fail("PRES-19", "visitor \(name) saw visitor \(presence.user)") }
            users[u].presence[presence.user] = presence.status
        default:
            break
        }
    }

    // MARK: After every server input (ROUTE-5, ROUTE-7, ROUTE-11)

    /// Checks that the router places every conversation as its record says, and that no agent
    /// was taken above their limit: an agent's active conversations may exceed the limit only
    /// when the limit was lowered, never by a new assignment.
    mutating func checkCapacity() {
        var load: [String: Int] = [:]
        for id in core.chat.conversationIDs {
            guard let machine = core.chat.conversation(id) else { continue }
            if machine.wireState == .active, let agent = machine.agent { load[agent, default: 0] += 1 }
            // The router keeps the waiting ones, and only those (ROUTE-7).
            statistics.checks += 1
            if core.chat.router.isWaiting(id) != [.queued, .offline].contains(machine.wireState) {
                fail("ROUTE-7", "\(id) is \(machine.wireState), the router has it \(core.chat.router.isWaiting(id) ? "waiting" : "not waiting")")
            }
        }
        for agent in core.chat.router.agentIDs {
            statistics.checks += 1
            let active = load[agent] ?? 0
            // The router's load of an agent counts exactly the conversations whose records name
            // them (it is told every move, ROUTE-7).
            if core.chat.router.load(of: agent) != active {
                fail("ROUTE-7", "the router counts \(core.chat.router.load(of: agent)) conversations for \(agent), their records \(active)")
            }
            let limit = core.chat.router.limit(of: agent)
            if active > limit && active > previousLoad[agent] ?? 0 {
                fail("ROUTE-5, ROUTE-11", "\(agent) was given a conversation at \(active - 1) of \(limit)")
            }
        }
        previousLoad = load
    }
}

extension ChatEvent {
    /// Whether the event makes its `agent` a member of the conversation.
    var grantsMembership: Bool {
        switch self.kind {
        case .assigned, .transferred, .joined, .reopened: true
        default: false
        }
    }
}
