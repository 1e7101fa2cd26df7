import ParleyWire

/// The live-chat core: every conversation's ``ConversationMachine``, the ``ConversationRouter``, the
/// store, invitations and timers, driven by identity-scoped commands and system inputs.
///
/// A pure value with an injected clock: each input takes `now` and returns what to do as
/// ``LiveChatAction``s. Commands check who may do what (CONV-30) before anything changes,
/// and a refused command changes nothing (CONV-3).
///
/// ```swift
/// var core = LiveChatCore(store: InMemoryConversationStore())
/// core.addTeam("sales", defaultMaxConcurrent: 2)
/// _ = core.registerAgent("ann", AgentProfile(teams: ["sales"]), now: t0)
/// _ = core.agentStatus(.accepting, maxConcurrent: nil, from: ann, now: t0)
/// let outcome = core.create(team: "sales", from: visitor, now: t1)   // assigned to ann
/// ```
public struct LiveChatCore<Store: ConversationStore & Sendable>: Sendable {
    /// The settings.
    public let configuration: LiveChatConfiguration
    /// The routing engine, for queries.
    public internal(set) var router: ConversationRouter
    /// The history store.
    public internal(set) var store: Store
    /// The conversations in memory: open ones, and ended ones until their reopen window passes
    /// and they are archived in the store (CONV-34).
    var machines: [String: ConversationMachine] = [:]
    /// Index: each visitor's open conversations (CONV-1).
    var openByVisitor: [String: Set<String>] = [:]
    /// Index: each agent's active conversations, so that nothing scans every conversation for
    /// one agent's (ROUTE-10).
    var activeByAgent: [String: Set<String>] = [:]
    /// Index: the conversations in memory of each team, so that removing a team moves them
    /// without a scan (ROUTE-18).
    var inMemoryByTeam: [String: Set<String>] = [:]
    var visitorsOnSite: Set<String> = []
    var invitations: [String: Invitation] = [:]
    var nextConversation: UInt64 = 1
    var nextInvitation: UInt64 = 1
    /// The disconnect of each agent in their grace period, numbered by ``disconnectSerial``, so
    /// that a grace timer of an earlier disconnect does nothing (ROUTE-10).
    var disconnects: [String: UInt64] = [:]
    var disconnectSerial: UInt64 = 0
    /// Agents registered by their sign-in's credentials rather than by the host: their
    /// registration ends with their last disconnect's grace period (ROUTE-17).
    var registeredBySignIn: Set<String> = []
    var inactivityArmed: Set<String> = []
    /// Visitors with a queued conversation at a restart who have not come back on the site
    /// since (STORE-6).
    var awaitedVisitors: Set<String> = []
    var positionTimerArmed = false
    /// When conversations last left each team's queue for an agent, oldest first, at most
    /// ``departuresKept`` within the last ``departureWindowMs`` (ROUTE-8's estimate).
    var queueDepartures: [String: [Instant]] = [:]
    static var departuresKept: Int { 20 }
    static var departureWindowMs: UInt64 { 3_600_000 }
    /// Archived conversations read back from the host's store for the command being run
    /// (``restore(_:)``), forgotten after it.
    var restored: [String] = []

    /// Creates a core with no teams and no agents.
    public init(store: Store, configuration: LiveChatConfiguration = LiveChatConfiguration()) {
        self.store = store
        self.configuration = configuration
        router = ConversationRouter(defaultMaxConcurrent: configuration.defaultMaxConcurrent)
    }

    // MARK: Queries

    /// A conversation's machine, or the final record of an archived one (CONV-34), for the
    /// embedding server and tests.
    public func conversation(_ id: String) -> ConversationMachine? { machines[id] ?? store.archived(id) }

    /// Whether `actor` may know that conversation `id` exists (CONV-30), archived ones included
    /// (CONV-34): inputs about a conversation they may not see are answered as if it did not exist.
    public func isVisible(_ id: String, to actor: ChatIdentity) -> Bool {
        conversation(id).map { isVisible($0, to: actor) } ?? false
    }

    /// The ids of the conversations in memory (archived ones left out, CONV-34), in creation
    /// order.
    ///
    /// - Complexity: O(*n* log *n*) in the conversations in memory; for tests and the simulator.
    public var conversationIDs: [String] { creationOrdered(machines.values).map(\.id) }

    /// How many conversations the core holds in memory: open ones and ended ones within their
    /// reopen window (CONV-34).
    public var conversationsInMemory: Int { machines.count }

    /// How many agents are registered (ROUTE-2, ROUTE-16).
    public var agentCount: Int { router.agentIDs.count }

    /// Conversations in creation order: by creation time, then by id number (ids are the
    /// configured prefix and a counter, so a shorter id is an earlier one).
    func creationOrdered(_ machines: some Sequence<ConversationMachine>) -> [ConversationMachine] {
        machines.sorted {
            ($0.createdAt, $0.id.utf8.count) != ($1.createdAt, $1.id.utf8.count)
                ? ($0.createdAt, $0.id.utf8.count) < ($1.createdAt, $1.id.utf8.count) : $0.id < $1.id
        }
    }

    // MARK: Shared steps

    /// The conversation to change, if the actor may see it; otherwise CONVERSATION_NOT_FOUND,
    /// which does not reveal whether it exists (CONV-30). An archived conversation changes no
    /// more: ILLEGAL_TRANSITION, or REOPEN_WINDOW_EXPIRED for a closed one to reopen (CONV-34).
    func visibleMachine(_ id: String, to actor: ChatIdentity, reopening: Bool = false) -> Result<ConversationMachine, CommandError> {
        switch visibleRecord(id, to: actor) {
        case .failure(let error): return .failure(error)
        case .success(let machine) where machines[id] != nil: return .success(machine)
        case .success(let archived):
            if reopening, archived.wireState == .closed {
                return .failure(CommandError(.reopenWindowExpired, "CONV-9", "\(id) closed more than \(configuration.reopenWindowMs) ms ago"))
            }
            return .failure(CommandError(.illegalTransition, "CONV-34", "\(id) is archived"))
        }
    }

    /// The conversation or its archived record, to read, if the actor may see it; otherwise
    /// CONVERSATION_NOT_FOUND (CONV-30, CONV-34).
    func visibleRecord(_ id: String, to actor: ChatIdentity) -> Result<ConversationMachine, CommandError> {
        guard let machine = conversation(id), isVisible(machine, to: actor) else {
            return .failure(CommandError(.conversationNotFound, "CONV-30", "no conversation \(id)"))
        }
        return .success(machine)
    }

    /// A visitor sees their own conversations; staff those of their teams and those they
    /// handle or joined (CONV-30).
    func isVisible(_ machine: ConversationMachine, to actor: ChatIdentity) -> Bool {
        switch actor.role {
        case .visitor: machine.visitor == actor.user
        case .agent, .supervisor, .bot: actor.teams.contains(machine.team) || machine.staff.contains(actor.user)
        }
    }

    /// The users an event reaches: the visitor when the audience allows, and `staff`, the staff
    /// of the conversation before and after the change that produced it (CONV-14). An
    /// observer's `joined` or `left` reaches the observer and the staff who are not observers,
    /// whom an observer joining or leaving leaves as they were (CONV-39).
    func recipients(of event: ChatEvent, in machine: ConversationMachine, staff: [String]) -> [String] {
        if event.isObserverAttendance, let observer = event.agent { return machine.nonObserverStaff + [observer] }
        return event.isVisible(to: .visitor) ? [machine.visitor] + staff : staff
    }

    /// Stores a machine after a successful transition, appends its events to the store, and
    /// emits them with their recipients; staff who just became staff of the conversation are
    /// first sent the earlier events they were not sent (CONV-31). Who became staff, and who
    /// stopped being staff, is found by comparing `staffBefore` with its staff now.
    mutating func commit(
        _ machine: ConversationMachine, events: [ChatEvent], staffBefore: [String], into actions: inout [LiveChatAction]
    ) {
        let staffAfter = machine.staff
        // Most commits (every message) leave the staff as they were: nothing to compare then.
        let change = staffBefore == staffAfter ? StaffChange() : StaffChange(from: staffBefore, to: staffAfter)
        commit(machine, events: events, change: change, staff: staffAfter, into: &actions)
    }

    /// Stores a machine after a successful transition that made the staff `change`, appends its
    /// events to the store, and emits them with their recipients; staff who just became staff
    /// of the conversation are first sent the earlier events they were not sent (CONV-31).
    /// `staff` is the machine's staff when the caller has it at hand (a room's staff is an array
    /// of every observer: not built again per commit).
    mutating func commit(
        _ machine: ConversationMachine, events: [ChatEvent], change: StaffChange, staff: [String]? = nil,
        into actions: inout [LiveChatAction]
    ) {
        var machine = machine
        let throughCseq = events.last?.cseq ?? machine.lastCseq
        for member in change.left { machine.deliveredToFormerStaff[member] = throughCseq }
        for member in change.joined {
            backfill(machine, to: member, before: events.first?.cseq ?? machine.lastCseq + 1, into: &actions)
            machine.deliveredToFormerStaff[member] = nil
        }
        let old = machines[machine.id]
        measure(from: old?.metrics, to: machine.metrics, team: machine.team, into: &actions)
        machines[machine.id] = machine
        store.setState(machine.wireState, of: machine.id)
        actions.append(.persist(.conversation(machine)))
        if machine.isOpen {
            openByVisitor[machine.visitor, default: []].insert(machine.id)
        } else {
            Self.remove(machine.id, from: machine.visitor, in: &openByVisitor)
            if old?.isOpen ?? true { armArchiving(machine, into: &actions) }
        }
        if old?.team != machine.team {
            if let team = old?.team { Self.remove(machine.id, from: team, in: &inMemoryByTeam) }
            inMemoryByTeam[machine.team, default: []].insert(machine.id)
        }
        if old?.agent != machine.agent {
            if let agent = old?.agent { Self.remove(machine.id, from: agent, in: &activeByAgent) }
            if let agent = machine.agent { activeByAgent[agent, default: []].insert(machine.id) }
        }
        // The staff before and after, for the events that reach them all; an observer's join
        // or leave reaches none of the other observers, which are then not listed (CONV-39).
        let staffNow = staff ?? machine.staff
        let staff = events.allSatisfy(\.isObserverAttendance) ? [] : change.left.isEmpty ? staffNow : staffNow + change.left
        for event in events {
            store.append(event)
            actions.append(.persist(.event(event)))
            actions.append(.append(event, recipients: recipients(of: event, in: machine, staff: staff)))
        }
    }

    /// Removes `id` from `key`'s set in an index, and the key once its set is empty, so an
    /// index holds only what is open now.
    static func remove(_ id: String, from key: String, in index: inout [String: Set<String>]) {
        index[key]?.remove(id)
        if index[key]?.isEmpty == true { index[key] = nil }
    }

    /// Arms the archiving of a conversation that just ended: once its reopen window has passed
    /// (CONV-9), it leaves memory for the store (CONV-34).
    func armArchiving(_ machine: ConversationMachine, into actions: inout [LiveChatAction]) {
        guard let ended = machine.endedAt else { return }
        actions.append(.armTimer(LiveChatTimer(
            deadline: ended.adding(milliseconds: configuration.reopenWindowMs + 1), kind: .archive(conversation: machine.id))))
    }

    /// Moves a conversation whose reopen window passed from memory to the store's archive
    /// (CONV-34); a conversation reopened since, or ended again later, stays.
    mutating func archiveIfDue(_ id: String, now: Instant, into actions: inout [LiveChatAction]) {
        guard let machine = machines[id], !machine.isOpen, let ended = machine.endedAt,
              now.milliseconds(since: ended) > configuration.reopenWindowMs else { return }
        machines[id] = nil
        Self.remove(id, from: machine.team, in: &inMemoryByTeam)
        inactivityArmed.remove(id)
        if configuration.keepsArchive { store.archive(machine) } else { store.forget(id) }
        actions.append(.persist(.archived(conversation: id)))
    }

    /// Reports each service time that became known in this transition, as it happens (CONV-26).
    func measure(from old: ChatMetrics?, to new: ChatMetrics, team: String, into actions: inout [LiveChatAction]) {
        if old?.queueWaitMs == nil, let ms = new.queueWaitMs { actions.append(.measured(.queueWait(ms: ms, team: team))) }
        if old?.firstResponseMs == nil, let ms = new.firstResponseMs { actions.append(.measured(.firstResponse(ms: ms, team: team))) }
        if old?.durationMs == nil, let ms = new.durationMs { actions.append(.measured(.duration(ms: ms, team: team))) }
    }

    /// Sends `member`, who just became staff of the conversation, its events before cseq
    /// `end` that they were not sent while they were staff before: the most recent ones, at
    /// most a history page of them; older ones are read with `history` (CONV-31). An observer
    /// is not sent the other observers' `joined` and `left` of that window (CONV-39).
    func backfill(_ machine: ConversationMachine, to member: String, before end: UInt64, into actions: inout [LiveChatAction]) {
        let sent = machine.deliveredToFormerStaff[member] ?? 0
        guard end > sent + 1 else { return }
        let last = end - 1
        let first = max(sent + 1, last >= UInt64(configuration.historyPageMax) ? last - UInt64(configuration.historyPageMax) + 1 : 1)
        let viewer = machine.staffViewer(member)
        for event in store.events(of: machine.id, in: first...last) where event.isVisible(to: viewer) {
            actions.append(.backfill(event, recipient: member))
        }
    }

    /// Applies the router's assignments to their conversations and arms their timers (ROUTE-7).
    mutating func apply(_ assignments: [Assignment], now: Instant, into actions: inout [LiveChatAction]) {
        for assignment in assignments {
            guard var machine = machines[assignment.conversation] else { continue }
            let before = machine.staff
            let waited = machine.waitingSince != nil
            guard case .success(let events) = machine.assign(to: assignment.agent, now: now) else { continue }
            commit(machine, events: events, staffBefore: before, into: &actions)
            armAssignmentTimers(machine, now: now, into: &actions)
            if waited { noteDeparture(from: machine.team, now: now) }
        }
    }

    /// Records that a conversation left `team`'s queue for an agent (ROUTE-8's estimate).
    mutating func noteDeparture(from team: String, now: Instant) {
        var times = queueDepartures[team] ?? []
        times.append(now)
        if times.count > Self.departuresKept { times.removeFirst(times.count - Self.departuresKept) }
        queueDepartures[team] = times
    }

    /// The estimated wait of the conversation at `position` in `team`'s queue: `position` times
    /// the team's recent time per departure, measured from its oldest recent departure to now;
    /// `nil` with fewer than three departures in the last hour (ROUTE-8).
    func estimatedWaitMs(team: String, position: Int, now: Instant) -> UInt64? {
        let recent = (queueDepartures[team] ?? []).filter { now.milliseconds(since: $0) <= Self.departureWindowMs }
        guard recent.count >= 3, let first = recent.first else { return nil }
        return UInt64(position) * (now.milliseconds(since: first) / UInt64(recent.count))
    }

    /// Arms the answer timer of the current assignment and, once per conversation, the
    /// inactivity timer (ROUTE-9, CONV-22).
    mutating func armAssignmentTimers(_ machine: ConversationMachine, now: Instant, into actions: inout [LiveChatAction]) {
        if configuration.answerTimeoutMs > 0, let assignment = machine.assignment {
            actions.append(.armTimer(LiveChatTimer(
                deadline: now.adding(milliseconds: configuration.answerTimeoutMs),
                kind: .answer(conversation: machine.id, assignment: assignment))))
        }
        armInactivity(machine, into: &actions)
    }

    /// Arms the inactivity check of an active conversation unless one is pending (CONV-22).
    mutating func armInactivity(_ machine: ConversationMachine, into actions: inout [LiveChatAction]) {
        guard configuration.inactivityTimeoutMs > 0, !inactivityArmed.contains(machine.id),
              let deadline = machine.inactivityDeadline(timeoutMs: configuration.inactivityTimeoutMs) else { return }
        inactivityArmed.insert(machine.id)
        actions.append(.armTimer(LiveChatTimer(deadline: deadline, kind: .inactivity(conversation: machine.id))))
    }

    /// Puts a conversation in its team's queue (front for re-routes, transfers and reopens),
    /// assigning it at once when an agent matches, and pushes its position (ROUTE-8);
    /// `previous`, the agent who handled it until now, is freed.
    mutating func enqueue(
        _ machine: ConversationMachine, front: Bool, excluding: String?, releasing previous: String? = nil, now: Instant,
        into actions: inout [LiveChatAction]
    ) {
        let (placement, others) = router.enqueue(
            machine.id, team: machine.team, priority: machine.priority, tags: machine.tags, front: front,
            excluding: excluding, releasing: previous, now: now)
        switch placement {
        case .assigned(let agent):
            apply([Assignment(conversation: machine.id, agent: agent)], now: now, into: &actions)
        case .waiting(let position):
            // Its place in the queue is part of its record: a restart puts it back there (STORE-6).
            if let ticket = router.ticket(of: machine.id), var waiting = machines[machine.id] {
                waiting.queueTicket = ticket
                machines[machine.id] = waiting
                actions.append(.persist(.conversation(waiting)))
            }
            if machine.wireState == .queued {
                actions.append(.queuePosition(
                    conversation: machine.id, visitor: machine.visitor, position: position,
                    estimatedWaitMs: estimatedWaitMs(team: machine.team, position: position, now: now)))
            }
        }
        apply(others, now: now, into: &actions)
    }

    /// Pushes changed queue positions now, or arms the timer that will (ROUTE-8).
    mutating func schedulePositions(now: Instant, into actions: inout [LiveChatAction]) {
        guard router.hasPositionChanges else { return }
        if configuration.queuePositionIntervalMs == 0 { return pushPositions(now: now, into: &actions) }
        guard !positionTimerArmed else { return }
        positionTimerArmed = true
        actions.append(.armTimer(LiveChatTimer(
            deadline: now.adding(milliseconds: configuration.queuePositionIntervalMs), kind: .queuePositions)))
    }

    /// Emits the positions that changed, to visitors still waiting (offline visitors left), with
    /// their estimated wait, and which teams' queue feeds changed (ROUTE-8, ROUTE-15).
    mutating func pushPositions(now: Instant, into actions: inout [LiveChatAction]) {
        let (positions, teams) = router.positionChanges()
        for change in positions {
            guard let machine = machines[change.conversation], machine.wireState == .queued else { continue }
            actions.append(.queuePosition(
                conversation: change.conversation, visitor: machine.visitor, position: change.position,
                estimatedWaitMs: estimatedWaitMs(team: machine.team, position: change.position, now: now)))
        }
        for team in teams { actions.append(.queueChanged(team: team)) }
    }

    /// The summary of a conversation as `actor` may see it.
    func summary(of machine: ConversationMachine, for actor: ChatIdentity) -> ChatSummary {
        let staff = actor.isStaff ? machine.staff : machine.staff.filter { machine.members[$0] != .observer }
        // Only a queued conversation has a position to show: nobody takes offline ones now (CONV-7).
        let waiting = machine.wireState == .queued
        return ChatSummary(
            id: machine.id, state: machine.wireState, visitor: machine.visitor, team: machine.team, agents: staff,
            lastCseq: machine.lastCseq, queuePosition: waiting ? router.reportedPosition(of: machine.id) : nil,
            priority: machine.priority, createdAt: machine.createdAt, tags: machine.tags.sorted(),
            properties: machine.properties, score: machine.rating?.score, assignedAgent: machine.agent ?? machine.lastAgent,
            readCseq: machine.readMarkers[actor.user])
    }
}
