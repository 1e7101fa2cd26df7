import ParleyWire

/// Commands on conversations (CONV section), each checked against the sender's identity
/// (CONV-30) and the conversation's state (CONV-3) before anything changes.
extension LiveChatCore {
    /// A visitor starts a conversation: queued, or offline when no agent of the team accepts
    /// chats, and assigned at once when an agent matches (CONV-1, CONV-7, ROUTE-7).
    public mutating func create(
        team: String? = nil, properties: [Wire.Property] = [], priority: UInt32? = nil, tags: Set<String> = [],
        text: String? = nil, clientMessageId: String? = nil, from actor: ChatIdentity, now: Instant
    ) -> LiveChatOutcome {
        run(now) { core, actions in
            guard actor.role == .visitor else { return .failure(CommandError(.forbidden, "CONV-1", "only visitors create conversations")) }
            let team = team ?? core.configuration.defaultTeam
            guard core.router.hasTeam(team) else { return .failure(CommandError(.teamNotFound, "ROUTE-1", "no team \(team)")) }
            guard core.openByVisitor[actor.user, default: []].count < core.configuration.maxOpenPerVisitor else {
                return .failure(CommandError(.tooManyConversations, "CONV-1", "too many open conversations"))
            }
            if let text, text.isEmpty { return .failure(CommandError(.invalidArgument, "CONV-11", "empty first message")) }
            let id = core.configuration.conversationPrefix + String(core.nextConversation)
            core.nextConversation += 1
            var (machine, events) = ConversationMachine.start(
                id: id, visitor: actor.user, team: team, priority: min(priority ?? 0, core.configuration.maxPriority),
                tags: tags, properties: actor.startingProperties(properties), offline: !core.router.hasAcceptingAgent(in: team), now: now)
            if let text, case .success(let posted) = machine.post(
                text: text, attachments: [], clientMessageId: clientMessageId, from: actor, now: now) {
                events += posted
            }
            core.commit(machine, events: events, staffBefore: [], into: &actions)
            core.enqueue(machine, front: false, excluding: nil, now: now, into: &actions)
            return .success(.ok(conversation: id, cseq: core.machines[id]!.lastCseq))
        }
    }

    /// Staff join as participant or silent observer; a supervisor may take over, becoming the
    /// assigned agent within their concurrency limit (CONV-18).
    public mutating func join(_ id: String, mode: JoinMode = .participant, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            guard actor.isStaff else { return .failure(CommandError(.forbidden, "CONV-18", "visitors do not join")) }
            if case .failure(let error) = core.visibleMachine(id, to: actor) { return .failure(error) }
            guard mode == .takeover else { return core.addMember(id, actor, mode: mode, now: now, into: &actions) }
            guard actor.role == .supervisor else { return .failure(CommandError(.forbidden, "CONV-18", "only supervisors take over")) }
            var machine = core.machines[id]!
            let before = machine.staff
            let handler = machine.agent
            let events: [ChatEvent]
            switch machine.join(actor, mode: mode, now: now) {
            case .success(let joined): events = joined
            case .failure(let error): return .failure(error)
            }
            let freed: [Assignment]
            switch core.router.assign(id, to: actor.user, releasing: handler, now: now) {
            case .success(let others): freed = others
            case .failure(let error): return .failure(error)
            }
            core.commit(machine, events: events, staffBefore: before, into: &actions)
            core.armAssignmentTimers(machine, now: now, into: &actions)
            core.apply(freed, now: now, into: &actions)
            return .success(.ok(conversation: id, cseq: machine.lastCseq))
        }
    }

    /// Staff join conversation `id`, in memory and visible to them, as participant or observer
    /// (CONV-18). Its record changes in place, without a copy: copying it would copy its list
    /// of members, so that each join into a conversation watched by N observers would cost
    /// O(N) (CONV-39). Who became staff is known without listing the staff: the one joining,
    /// unless they were staff already (a change of mode). `commit` then finds the record as it
    /// is now, which such a join leaves as it was in all it compares: state, team, agent,
    /// metrics.
    mutating func addMember(
        _ id: String, _ actor: ChatIdentity, mode: JoinMode, now: Instant, into actions: inout [LiveChatAction]
    ) -> Result<CommandResult, CommandError> {
        let joining = machines[id]!.agent != actor.user && machines[id]!.members[actor.user] == nil
        let events: [ChatEvent]
        switch machines[id]!.join(actor, mode: mode, now: now) {
        case .success(let joined): events = joined
        case .failure(let error): return .failure(error)
        }
        commit(machines[id]!, events: events, change: joining ? StaffChange(joined: actor.user) : StaffChange(), into: &actions)
        return .success(.ok(conversation: id, cseq: machines[id]!.lastCseq))
    }

    /// A queued visitor leaving abandons the conversation (CONV-8); joined staff leave it
    /// (CONV-18).
    public mutating func leave(_ id: String, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            core.transition(id, actor: actor, now: now, into: &actions) { machine in
                actor.isStaff ? machine.leave(actor, now: now) : machine.abandon(now: now)
            }
        }
    }

    /// Sends a message (CONV-11, CONV-12). A visitor writing to a conversation closed within
    /// the reopen window reopens it first (CONV-9).
    public mutating func send(
        _ id: String, text: String, attachments: [Wire.Attachment] = [], clientMessageId: String? = nil,
        from actor: ChatIdentity, now: Instant
    ) -> LiveChatOutcome {
        run(now) { core, actions in
            if text.isEmpty, attachments.isEmpty {
                return .failure(CommandError(.invalidArgument, "CONV-11", "a message needs text or attachments"))
            }
            if attachments.count > core.configuration.maxAttachments {
                return .failure(CommandError(.invalidArgument, "CONV-12", "more than \(core.configuration.maxAttachments) attachments"))
            }
            if !actor.isStaff, let record = core.conversation(id), record.wireState == .closed, record.visitor == actor.user {
                if case .failure(let error) = core.reopenConversation(id, by: actor, now: now, into: &actions) {
                    return .failure(error)
                }
            }
            return core.transition(id, actor: actor, now: now, into: &actions) { machine in
                machine.post(text: text, attachments: attachments, clientMessageId: clientMessageId, from: actor, now: now)
            }
        }
    }

    /// Adds an internal note, staff only, never delivered to the visitor (CONV-14).
    public mutating func note(_ id: String, text: String, clientMessageId: String? = nil, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            guard actor.isStaff else { return .failure(CommandError(.forbidden, "CONV-14", "only staff write notes")) }
            guard !text.isEmpty else { return .failure(CommandError(.invalidArgument, "CONV-14", "empty note")) }
            return core.transition(id, actor: actor, now: now, into: &actions) { machine in
                .success(machine.addNote(text: text, clientMessageId: clientMessageId, from: actor, now: now))
            }
        }
    }

    /// Moves the sender's read marker (CONV-16). Markers of silent or non-joined staff reach
    /// staff only, an observer's only the staff who are not observers (CONV-39); the reader is
    /// always told.
    public mutating func read(_ id: String, upTo cseq: UInt64, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            var machine: ConversationMachine
            switch core.visibleMachine(id, to: actor) {
            case .success(let found): machine = found
            case .failure(let error): return .failure(error)
            }
            switch machine.markRead(by: actor.user, upTo: cseq) {
            case .failure(let error): return .failure(error)
            case .success(nil): break
            case .success(let moved?):
                core.commit(machine, events: [], staffBefore: machine.staff, into: &actions)
                let speaks = !actor.isStaff || machine.agent == actor.user || machine.members[actor.user] == .participant
                var recipients = speaks ? [machine.visitor] + machine.staff
                    : machine.viewer(actor) == .observer(actor.user) ? machine.nonObserverStaff : machine.staff
                // The reader's own other sessions (another tab, the phone) learn it too.
                if !recipients.contains(actor.user) { recipients.append(actor.user) }
                actions.append(.readMarker(conversation: id, user: actor.user, cseq: moved, recipients: recipients))
            }
            return .success(.ok(conversation: id, cseq: nil))
        }
    }

    /// Transfers an active conversation to an agent (within their limit) or to a team's queue
    /// at the front, by its assigned agent or a supervisor (CONV-19).
    public mutating func transfer(
        _ id: String, toAgent agent: String? = nil, toTeam team: String? = nil, note: String? = nil,
        from actor: ChatIdentity, now: Instant
    ) -> LiveChatOutcome {
        run(now) { core, actions in
            guard actor.isStaff else { return .failure(CommandError(.forbidden, "CONV-19", "visitors do not transfer")) }
            let target: TransferTarget
            switch (agent, team) {
            case (let agent?, nil): target = .agent(agent)
            case (nil, let team?): target = .team(team)
            case (nil, nil), (.some, .some):
                return .failure(CommandError(.invalidArgument, "CONV-19", "name exactly one of agent and team"))
            }
            var machine: ConversationMachine
            switch core.visibleMachine(id, to: actor) {
            case .success(let found): machine = found
            case .failure(let error): return .failure(error)
            }
            let before = machine.staff
            let previous = machine.agent
            let events: [ChatEvent]
            switch machine.transfer(to: target, by: actor, note: note, now: now) {
            case .success(let transferred): events = transferred
            case .failure(let error): return .failure(error)
            }
            guard actor.user == previous || actor.role == .supervisor else {
                return .failure(CommandError(.forbidden, "CONV-19", "only the assigned agent or a supervisor transfers"))
            }
            switch target {
            case .team(let team):
                guard core.router.hasTeam(team) else { return .failure(CommandError(.teamNotFound, "CONV-19", "no team \(team)")) }
                core.commit(machine, events: events, staffBefore: before, into: &actions)
                core.enqueue(machine, front: true, excluding: previous, releasing: previous, now: now, into: &actions)
            case .agent(let agent):
                guard agent != previous else { return .failure(CommandError(.invalidArgument, "CONV-19", "already assigned to \(agent)")) }
                switch core.router.assign(id, to: agent, releasing: previous, now: now) {
                case .success(let freed):
                    core.commit(machine, events: events, staffBefore: before, into: &actions)
                    core.armAssignmentTimers(machine, now: now, into: &actions)
                    core.apply(freed, now: now, into: &actions)
                case .failure(let error): return .failure(error)
                }
            }
            return .success(.ok(conversation: id, cseq: core.machines[id]!.lastCseq))
        }
    }

    /// Closes a conversation: by its visitor, or by its assigned agent, a joined participant
    /// or a supervisor (CONV-6). Its agent's capacity is freed at once (ROUTE-7).
    public mutating func close(_ id: String, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            if actor.isStaff, let machine = core.machines[id], core.isVisible(machine, to: actor), machine.isOpen,
               actor.role != .supervisor, machine.agent != actor.user, machine.members[actor.user] != .participant {
                return .failure(CommandError(.forbidden, "CONV-6", "only its agent, a participant or a supervisor closes it"))
            }
            return core.transition(id, actor: actor, now: now, into: &actions) { machine in
                machine.close(by: actor, reason: actor.isStaff ? .byAgent : .byVisitor, now: now)
            }
        }
    }

    /// Reopens a conversation closed within the reopen window (CONV-9).
    public mutating func reopen(_ id: String, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            core.reopenConversation(id, by: actor, now: now, into: &actions).map { .ok(conversation: id, cseq: $0.lastCseq) }
        }
    }

    /// The visitor rates a closed conversation once, 1 to 5, with an optional comment (CONV-24).
    public mutating func rate(_ id: String, score: UInt64, comment: String? = nil, from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            guard actor.role == .visitor else { return .failure(CommandError(.forbidden, "CONV-24", "only the visitor rates")) }
            return core.transition(id, actor: actor, now: now, into: &actions) { machine in
                machine.rate(score: score, comment: comment, by: actor, now: now)
            }
        }
    }

    /// Sets conversation properties while it is open (CONV-17).
    public mutating func setProperties(_ id: String, _ properties: [Wire.Property], from actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        run(now) { core, actions in
            guard !properties.isEmpty else { return .failure(CommandError(.invalidArgument, "CONV-17", "no properties")) }
            guard actor.maySet(properties) else {
                return .failure(CommandError(.forbidden, "CONV-38", "the site sets \(actor.vouched.map(\.key).joined(separator: ", "))"))
            }
            return core.transition(id, actor: actor, now: now, into: &actions) { machine in
                machine.setProperties(properties, by: actor, now: now)
            }
        }
    }

    // MARK: Shared command steps

    /// Runs a command body, then schedules queue-position pushes; a refused command returns
    /// no actions (CONV-3).
    mutating func run(
        _ now: Instant, _ body: (inout LiveChatCore, inout [LiveChatAction]) -> Result<CommandResult, CommandError>
    ) -> LiveChatOutcome {
        var actions: [LiveChatAction] = []
        let result = body(&self, &actions)
        if case .failure = result { return LiveChatOutcome(result: result, actions: []) }
        schedulePositions(now: now, into: &actions)
        return LiveChatOutcome(result: result, actions: actions)
    }

    /// Applies one machine transition to a visible conversation and commits its events; when
    /// the conversation stops being open, the router forgets it and its agent's capacity
    /// goes to the next waiting conversation (ROUTE-7).
    mutating func transition(
        _ id: String, actor: ChatIdentity, now: Instant, into actions: inout [LiveChatAction],
        _ step: (inout ConversationMachine) -> Result<[ChatEvent], CommandError>
    ) -> Result<CommandResult, CommandError> {
        var machine: ConversationMachine
        switch visibleMachine(id, to: actor) {
        case .success(let found): machine = found
        case .failure(let error): return .failure(error)
        }
        let wasOpen = machine.isOpen
        let handler = machine.agent
        let before = machine.informedStaff
        switch step(&machine) {
        case .failure(let error): return .failure(error)
        case .success(let events):
            commit(machine, events: events, staffBefore: before, into: &actions)
            if wasOpen, !machine.isOpen { apply(router.remove(id, releasing: handler, now: now), now: now, into: &actions) }
            return .success(.ok(conversation: id, cseq: machine.lastCseq))
        }
    }

    /// Reopens a closed conversation: back to its last agent when they are available, else to
    /// the front of its team's queue (offline when no agent accepts) (CONV-9).
    mutating func reopenConversation(
        _ id: String, by actor: ChatIdentity, now: Instant, into actions: inout [LiveChatAction]
    ) -> Result<ConversationMachine, CommandError> {
        var machine: ConversationMachine
        switch visibleMachine(id, to: actor, reopening: true) {
        case .success(let found): machine = found
        case .failure(let error): return .failure(error)
        }
        if !actor.isStaff, openByVisitor[actor.user, default: []].count >= configuration.maxOpenPerVisitor {
            return .failure(CommandError(.tooManyConversations, "CONV-1", "too many open conversations"))
        }
        let lastAgent = machine.lastAgent
        let offline = !router.hasAcceptingAgent(in: machine.team)
        switch machine.reopen(by: actor, offline: offline, windowMs: configuration.reopenWindowMs, now: now) {
        case .failure(let error): return .failure(error)
        case .success(let events): commit(machine, events: events, staffBefore: [], into: &actions)
        }
        if let lastAgent, router.isAvailable(lastAgent),
           case .success(let freed) = router.assign(id, to: lastAgent, now: now) {
            apply([Assignment(conversation: id, agent: lastAgent)] + freed, now: now, into: &actions)
        } else {
            enqueue(machine, front: true, excluding: nil, now: now, into: &actions)
        }
        return .success(machines[id]!)
    }
}
