import ParleyWire

/// The lifecycle of one live-chat conversation (CONV section) as a pure state machine.
///
/// One `mutating func` per input; each returns the history events it appended (with their
/// `cseq`) or the error that refused it, in which case nothing changed (CONV-3). Routing
/// decisions (which agent, which queue position) come from the ``ConversationRouter`` through
/// ``LiveChatCore``; the machine only checks that the transition is legal in its state.
public struct ConversationMachine: Sendable, Hashable, Codable {
    private enum State: Hashable, Sendable, Codable {
        case queued(QueuedState)
        case offline(OfflineState)
        case active(ActiveState)
        case closed(ClosedState)
        case abandoned(AbandonedState)
    }

    /// The conversation id.
    public let id: String
    /// The visitor who owns it.
    public let visitor: String
    /// The team it is routed to.
    public private(set) var team: String
    /// Routing priority; higher first.
    public let priority: UInt32
    /// Skills an agent needs to take it.
    public let tags: Set<String>
    /// When it was created.
    public let createdAt: Instant
    /// Pre-chat form data and later properties, one value per key (CONV-17).
    public private(set) var properties: [Wire.Property]
    /// The latest per-conversation sequence number (CONV-10).
    public private(set) var lastCseq: UInt64 = 0
    /// The rating, once rated (CONV-24).
    public private(set) var rating: Rating?
    /// Each user's read marker: seen up to and including this cseq (CONV-16).
    public private(set) var readMarkers: [String: UInt64] = [:]
    /// Its place in its team's queue when it last started waiting (the router's ticket,
    /// ``ConversationRouter/ticket(of:)``): what a restart puts it back in the queue with (STORE-6).
    public internal(set) var queueTicket: Int64?
    /// Staff who were staff of the conversation and no longer are, with the last cseq they
    /// were sent: what to send them first if they become staff again (CONV-31).
    var deliveredToFormerStaff: [String: UInt64] = [:]
    private var state: State
    private var assignments: UInt64 = 0
    private var firstAssignedAt: Instant?
    private var firstResponseAt: Instant?
    private var transfers: UInt64 = 0
    private var closedAt: Instant?
    private var pending: [ChatEvent] = []

    /// The stored form (Spec/storage.md): every field but the events being emitted, which a
    /// machine at rest never holds.
    private enum CodingKeys: String, CodingKey {
        case id, visitor, team, priority, tags, createdAt, properties, lastCseq, rating, readMarkers, queueTicket
        case deliveredToFormerStaff, state, assignments, firstAssignedAt, firstResponseAt, transfers, closedAt
    }

    /// Starts a conversation, queued or (when no agent accepts chats) offline (CONV-1, CONV-7).
    ///
    /// - Returns: the machine and its first events, `created` then `queued` or `offline`.
    public static func start(
        id: String, visitor: String, team: String, priority: UInt32, tags: Set<String>,
        properties: [Wire.Property], offline: Bool, now: Instant
    ) -> (ConversationMachine, [ChatEvent]) {
        var machine = ConversationMachine(
            id: id, visitor: visitor, team: team, priority: priority, tags: tags, createdAt: now,
            properties: ConversationMachine.merged([], properties),
            state: offline ? .offline(OfflineState(since: now)) : .queued(QueuedState(since: now)))
        machine.emit(.created, now, sender: visitor, senderRole: .visitor, team: team, properties: machine.properties)
        machine.emit(offline ? .offline : .queued, now, team: team)
        let events = machine.takeEvents()
        return (machine, events)
    }

    private init(
        id: String, visitor: String, team: String, priority: UInt32, tags: Set<String>, createdAt: Instant,
        properties: [Wire.Property], state: State
    ) {
        self.id = id
        self.visitor = visitor
        self.team = team
        self.priority = priority
        self.tags = tags
        self.createdAt = createdAt
        self.properties = properties
        self.state = state
    }

    // MARK: Queries

    /// The lifecycle state as the wire names it.
    public var wireState: ConversationState {
        switch state {
        case .queued: .queued
        case .offline: .offline
        case .active: .active
        case .closed: .closed
        case .abandoned: .abandoned
        }
    }

    /// Whether it is still open: queued, offline or active.
    public var isOpen: Bool {
        switch state {
        case .queued, .offline, .active: true
        case .closed, .abandoned: false
        }
    }

    /// The assigned agent while active.
    public var agent: String? {
        if case .active(let active) = state { return active.agent }
        return nil
    }

    /// When it closed or was abandoned, while closed or abandoned: its reopen window and its
    /// archiving start then (CONV-9, CONV-34).
    public var endedAt: Instant? { closedAt }

    /// When it (last) started waiting, while queued or offline (ROUTE-15).
    public var waitingSince: Instant? {
        switch state {
        case .queued(let queued): queued.since
        case .offline(let offline): offline.since
        default: nil
        }
    }

    /// The agent assigned when it closed, while closed.
    public var lastAgent: String? {
        if case .closed(let closed) = state { return closed.lastAgent }
        return nil
    }

    /// The current assignment's number while active, for timers (ROUTE-9, ROUTE-10).
    public var assignment: UInt64? {
        if case .active(let active) = state { return active.assignment }
        return nil
    }

    /// Whether the assigned agent has written since the current assignment.
    public var isAnswered: Bool {
        if case .active(let active) = state { return active.answered }
        return false
    }

    /// Staff who joined, with their mode, besides the assigned agent.
    public var members: [String: JoinMode] {
        if case .active(let active) = state { return active.members.modes }
        return [:]
    }

    /// The agent and every joined staff member (observers included), in join order.
    public var staff: [String] {
        guard case .active(let active) = state else { return [] }
        return [active.agent] + active.members.order
    }

    /// The staff who are not observers — the agent and the participants, in join order — to
    /// whom an observer's `joined` and `left` go besides the observer (CONV-39).
    public var nonObserverStaff: [String] {
        guard case .active(let active) = state else { return [] }
        return [active.agent] + active.members.participants
    }

    /// How `actor` sees the conversation's events: as its visitor, as staff, or as one of its
    /// observers (CONV-14, CONV-39).
    public func viewer(_ actor: ChatIdentity) -> ChatViewer { actor.isStaff ? staffViewer(actor.user) : .visitor }

    /// How staff member `user` sees the conversation's events: as one of its observers, or as
    /// any other staff (CONV-39).
    func staffViewer(_ user: String) -> ChatViewer { members[user] == .observer ? .observer(user) : .staff }

    /// The staff told of the conversation's next events: its ``staff`` while active, its last
    /// agent once closed, so the agent learns of the rating (CONV-24).
    public var informedStaff: [String] {
        if case .closed(let closed) = state { return closed.lastAgent.map { [$0] } ?? [] }
        return staff
    }

    /// When the inactivity timeout of `timeoutMs` would close it, while active (CONV-22).
    public func inactivityDeadline(timeoutMs: UInt64) -> Instant? {
        if case .active(let active) = state { return active.lastActivity.adding(milliseconds: timeoutMs) }
        return nil
    }

    /// The service metrics, exact from the injected clock (CONV-26).
    public var metrics: ChatMetrics {
        ChatMetrics(
            queueWaitMs: firstAssignedAt.map { $0.milliseconds(since: createdAt) },
            firstResponseMs: firstResponseAt.flatMap { response in firstAssignedAt.map { response.milliseconds(since: $0) } },
            transfers: transfers,
            durationMs: closedAt.map { $0.milliseconds(since: createdAt) })
    }

    // MARK: Routing inputs

    /// An agent takes a queued or offline conversation (CONV-5).
    public mutating func assign(to agent: String, now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .queued, .offline:
            enterActive(agent: agent, now: now)
            emit(.assigned, now, agent: agent)
            return .success(takeEvents())
        case .active, .closed, .abandoned:
            return illegal("assign")
        }
    }

    /// The assigned agent did not answer in time or stayed disconnected: back to the queue
    /// (ROUTE-9, ROUTE-10).
    public mutating func reroute(now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .active(let active):
            state = .queued(QueuedState(since: now))
            emit(.rerouted, now, agent: active.agent)
            return .success(takeEvents())
        case .queued, .offline, .closed, .abandoned:
            return illegal("re-route")
        }
    }

    /// Transfers to another agent (staying active) or to a team (back to the queue), with an
    /// optional note for staff only (CONV-19).
    public mutating func transfer(
        to target: TransferTarget, by actor: ChatIdentity, note: String?, now: Instant
    ) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .active(let active):
            transfers += 1
            switch target {
            case .agent(let agent):
                // Staff who joined stay joined; the new agent, if they had joined, is assigned now.
                var members = active.members
                members[agent] = nil
                enterActive(agent: agent, now: now)
                if case .active(var transferred) = state {
                    transferred.members = members
                    state = .active(transferred)
                }
                emit(.transferred, now, sender: actor.user, senderRole: actor.role, agent: agent, team: team)
            case .team(let newTeam):
                team = newTeam
                state = .queued(QueuedState(since: now))
                emit(.transferred, now, sender: actor.user, senderRole: actor.role, team: newTeam)
            }
            if let note { emit(.note, now, sender: actor.user, senderRole: actor.role, text: note, audience: .staff) }
            return .success(takeEvents())
        case .queued, .offline, .closed, .abandoned:
            return illegal("transfer")
        }
    }

    /// Moves it to `newTeam` because its team was removed (ROUTE-18): it keeps its state, its
    /// agent and its place in time; a `transferred` event without a sender names the new team.
    public mutating func moveTeam(to newTeam: String, now: Instant) -> [ChatEvent] {
        team = newTeam
        emit(.transferred, now, team: newTeam)
        return takeEvents()
    }

    // MARK: Lifecycle inputs

    /// The visitor left while queued (CONV-8).
    public mutating func abandon(now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .queued:
            state = .abandoned(AbandonedState(at: now))
            closedAt = now
            emit(.abandoned, now, sender: visitor, senderRole: .visitor)
            return .success(takeEvents())
        case .offline, .active, .closed, .abandoned:
            return illegal("abandon")
        }
    }

    /// Closes it, by the visitor, staff or the system (CONV-6).
    public mutating func close(by actor: ChatIdentity?, reason: CloseReason, now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .queued, .offline, .active:
            state = .closed(ClosedState(at: now, by: actor?.user, reason: reason, lastAgent: agent))
            closedAt = now
            emit(.closed, now, sender: actor?.user, senderRole: actor?.role, closeReason: reason)
            return .success(takeEvents())
        case .closed, .abandoned:
            return illegal("close")
        }
    }

    /// Closes an active conversation idle for `timeoutMs` (CONV-22); earlier, nothing happens.
    public mutating func expireInactivity(timeoutMs: UInt64, now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .active(let active):
            guard now >= active.lastActivity.adding(milliseconds: timeoutMs) else { return .success([]) }
            return close(by: nil, reason: .inactivity, now: now)
        case .queued, .offline, .closed, .abandoned:
            return illegal("inactivity close")
        }
    }

    /// Reopens a conversation closed at most `windowMs` ago, into the queue or offline
    /// (CONV-9); the router then assigns it.
    public mutating func reopen(by actor: ChatIdentity, offline: Bool, windowMs: UInt64, now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .closed(let closed):
            guard now.milliseconds(since: closed.at) <= windowMs else {
                return .failure(CommandError(.reopenWindowExpired, "CONV-9", "closed more than \(windowMs) ms ago"))
            }
            state = offline ? .offline(OfflineState(since: now)) : .queued(QueuedState(since: now))
            closedAt = nil
            emit(.reopened, now, sender: actor.user, senderRole: actor.role, agent: closed.lastAgent, team: team)
            return .success(takeEvents())
        case .queued, .offline, .active, .abandoned:
            return illegal("reopen")
        }
    }

    // MARK: Messages

    /// Appends a message. The visitor may write while queued, offline or active; staff only
    /// while active and only as the assigned agent or a joined participant (CONV-11, CONV-18).
    public mutating func post(
        text: String, attachments: [Wire.Attachment], clientMessageId: String?, from actor: ChatIdentity, now: Instant
    ) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .queued, .offline:
            guard !actor.isStaff else { return illegal("staff message") }
        case .active(var active):
            if actor.isStaff {
                if actor.user == active.agent {
                    active.answered = true
                } else {
                    switch active.members[actor.user] {
                    case .participant, .takeover: break
                    case .observer: return .failure(CommandError(.forbidden, "CONV-18", "observers do not write"))
                    case nil: return .failure(CommandError(.notParticipant, "CONV-18", "join the conversation first"))
                    }
                }
                if firstResponseAt == nil { firstResponseAt = now }
            }
            active.lastActivity = now
            state = .active(active)
        case .closed, .abandoned:
            return illegal("message")
        }
        emit(.message, now, sender: actor.user, senderRole: actor.role, text: text, attachments: attachments,
             clientMessageId: clientMessageId)
        return .success(takeEvents())
    }

    /// Appends an internal note, in any state; visitors never receive it (CONV-14).
    public mutating func addNote(text: String, clientMessageId: String?, from actor: ChatIdentity, now: Instant) -> [ChatEvent] {
        emit(.note, now, sender: actor.user, senderRole: actor.role, text: text, clientMessageId: clientMessageId, audience: .staff)
        return takeEvents()
    }

    /// Sets properties, later values replacing earlier ones per key (CONV-17).
    public mutating func setProperties(_ new: [Wire.Property], by actor: ChatIdentity, now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .queued, .offline, .active:
            properties = ConversationMachine.merged(properties, new)
            emit(.properties, now, sender: actor.user, senderRole: actor.role, properties: new)
            return .success(takeEvents())
        case .closed, .abandoned:
            return illegal("setProperties")
        }
    }

    /// Moves a user's read marker forward; a lower value leaves it as it was (CONV-16).
    ///
    /// - Returns: the new marker, or `nil` when it did not move.
    public mutating func markRead(by user: String, upTo cseq: UInt64) -> Result<UInt64?, CommandError> {
        guard cseq <= lastCseq else {
            return .failure(CommandError(.invalidArgument, "CONV-16", "cseq \(cseq) is beyond the last event \(lastCseq)"))
        }
        guard cseq > readMarkers[user, default: 0] else { return .success(nil) }
        readMarkers[user] = cseq
        return .success(cseq)
    }

    // MARK: Staff joining

    /// A staff member joins an active conversation as participant, silent observer, or by
    /// taking it over (CONV-18). Takeover makes them the assigned agent. An observer's `joined`
    /// is staff-only, and the only staff-only `joined` (``ChatEvent/isObserverAttendance``).
    public mutating func join(_ actor: ChatIdentity, mode: JoinMode, now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .active(var active):
            switch mode {
            case .participant, .observer:
                guard actor.user != active.agent else {
                    return .failure(CommandError(.illegalTransition, "CONV-18", "already the assigned agent"))
                }
                // The state lets go of the members while they change, so that they change in place
                // rather than being copied: a join costs the same in a conversation watched by
                // thousands of observers as in one without (CONV-39).
                state = .abandoned(AbandonedState(at: now))
                active.members[actor.user] = mode
                state = .active(active)
                emit(.joined, now, sender: actor.user, senderRole: actor.role, agent: actor.user,
                     audience: mode == .observer ? .staff : .everyone)
            case .takeover:
                var members = active.members
                members[actor.user] = nil
                enterActive(agent: actor.user, now: now)
                if case .active(var taken) = state {
                    taken.members = members
                    state = .active(taken)
                }
                emit(.joined, now, sender: actor.user, senderRole: actor.role, agent: actor.user)
                emit(.assigned, now, agent: actor.user)
            }
            return .success(takeEvents())
        case .queued, .offline, .closed, .abandoned:
            return illegal("join")
        }
    }

    /// A joined staff member leaves; the assigned agent must transfer or close instead (CONV-18).
    /// An observer's `left` is staff-only, and the only staff-only `left` (CONV-39).
    public mutating func leave(_ actor: ChatIdentity, now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .active(var active):
            guard let mode = active.members.removeValue(forKey: actor.user) else {
                if actor.user == active.agent { return illegal("the assigned agent leaving") }
                return .failure(CommandError(.notParticipant, "CONV-18", "not joined"))
            }
            state = .active(active)
            emit(.left, now, sender: actor.user, senderRole: actor.role, agent: actor.user,
                 audience: mode == .observer ? .staff : .everyone)
            return .success(takeEvents())
        case .queued, .offline, .closed, .abandoned:
            return illegal("leave")
        }
    }

    // MARK: Rating

    /// The visitor rates a closed conversation once, 1 to 5 (CONV-24).
    public mutating func rate(score: UInt64, comment: String?, by actor: ChatIdentity, now: Instant) -> Result<[ChatEvent], CommandError> {
        switch state {
        case .closed:
            guard (1...5).contains(score) else {
                return .failure(CommandError(.invalidRating, "CONV-24", "score \(score) is not in 1...5"))
            }
            guard rating == nil else { return .failure(CommandError(.alreadyRated, "CONV-24", "already rated")) }
            rating = Rating(score: score, comment: comment)
            emit(.rated, now, sender: actor.user, senderRole: actor.role, score: score)
            return .success(takeEvents())
        case .queued, .offline, .active, .abandoned:
            return illegal("rate")
        }
    }

    // MARK: Helpers

    private mutating func enterActive(agent: String, now: Instant) {
        assignments += 1
        if firstAssignedAt == nil { firstAssignedAt = now }
        state = .active(ActiveState(agent: agent, now: now, assignment: assignments))
    }

    private func illegal(_ what: String) -> Result<[ChatEvent], CommandError> {
        .failure(CommandError(.illegalTransition, "CONV-3", "\(what) is not allowed while \(wireState.jsonName)"))
    }

    private mutating func emit(
        _ kind: EventKind, _ now: Instant, sender: String? = nil, senderRole: Role? = nil, text: String? = nil,
        attachments: [Wire.Attachment] = [], clientMessageId: String? = nil, agent: String? = nil, team: String? = nil,
        score: UInt64? = nil, closeReason: CloseReason? = nil, properties: [Wire.Property] = [], audience: Audience = .everyone
    ) {
        lastCseq += 1
        pending.append(ChatEvent(
            Wire.ConversationEvent(
                conversation: id, cseq: lastCseq, kind: kind, time: now.rawValue, sender: sender, senderRole: senderRole,
                text: text, attachments: attachments, clientMessageId: clientMessageId, agent: agent, team: team,
                score: score, closeReason: closeReason, properties: properties),
            audience: audience))
    }

    private mutating func takeEvents() -> [ChatEvent] {
        defer { pending = [] }
        return pending
    }

    private static func merged(_ old: [Wire.Property], _ new: [Wire.Property]) -> [Wire.Property] {
        var result = old
        for property in new {
            if let index = result.firstIndex(where: { $0.key == property.key }) {
                result[index].value = property.value
            } else {
                result.append(property)
            }
        }
        return result
    }
}

/// Where a transfer sends a conversation (CONV-19).
public enum TransferTarget: Hashable, Sendable {
    /// Directly to this agent.
    case agent(String)
    /// To this team's queue.
    case team(String)
}

/// A visitor's rating of a conversation (CONV-24).
public struct Rating: Sendable, Hashable, Codable {
    /// The score, 1…5.
    public var score: UInt64
    /// The comment, if any.
    public var comment: String?
}
