import ParleyWire

/// Presence as a sans-I/O state machine: per-user aggregation over connections, grace period,
/// idle detection, routing availability, coalesced publication and last-seen times (PRES).
///
/// The embedding server feeds it connection events and client commands, each with the current
/// `Instant`, and carries out the returned ``PresenceAction``s: publications to channels (its
/// fan-out hub keeps the subscribers), availability reports to routing, and one timer.
///
/// ```swift
/// var presence = PresenceTracker()
/// let identity = PresenceIdentity(user: "v1", role: .visitor, site: "acme")
/// var actions = presence.connect(PresenceConnectionID(1), identity: identity, now: now)
/// // → [.publish(v1 online, to: .visitors(site: "acme")), .publish(…, to: .user(…)), .armTimer(…)]
/// actions = presence.tick(now: later)   // when the armed timer fires
/// ```
///
/// Inputs naming a connection that is not connected are ignored: they are a message racing its
/// connection's close.
public struct PresenceTracker: Sendable {
    /// The timing rules and limits in force.
    public let configuration: PresenceConfiguration

    // Internal rather than private so the tracker's extensions in other files can use them.
    /// Users connected, in grace, or offline with a publication pending, by user id.
    var users: [String: UserPresenceRecord] = [:]
    /// The user of every live connection.
    var owners: [PresenceConnectionID: String] = [:]
    /// Users who went offline, with when (PRES-24).
    var lastSeenTimes: [String: OfflineUser] = [:]
    /// How many members of each team are published online and accepting (PRES-21).
    var availableMembers: [TeamKey: Int] = [:]
    /// One entry per record with a deadline (stale entries are skipped).
    var timers = DeadlineQueue<String>()
    /// The deadline last sent in `.armTimer`, cleared when a tick arrives.
    var announcedDeadline: Instant?

    /// A tracker with no users.
    public init(configuration: PresenceConfiguration = PresenceConfiguration()) {
        self.configuration = configuration
    }

    /// Reserves room for `users` connected users so a large server does not rehash while
    /// filling up.
    public mutating func reserveCapacity(users count: Int) {
        users.reserveCapacity(count)
        owners.reserveCapacity(count)
        timers.reserveCapacity(count)
    }

    /// A connection opened and authenticated as `identity` (PRES-1). The connection starts
    /// online and active; a user who was offline comes online, one in grace stays as they were.
    public mutating func connect(
        _ connection: PresenceConnectionID, identity: PresenceIdentity, now: Instant
    ) -> [PresenceAction] {
        guard owners[connection] == nil else { return [] }
        owners[connection] = identity.user
        if users[identity.user] == nil {
            lastSeenTimes[identity.user] = nil
            users[identity.user] = UserPresenceRecord(identity: identity, now: now)
        }
        guard let index = users.index(forKey: identity.user) else { return [] }
        return process(at: index, now: now) { $0.connect(connection, now: now) }
    }

    /// A connection closed (PRES-4); the user's last connection starts the grace period (PRES-6).
    public mutating func disconnect(_ connection: PresenceConnectionID, now: Instant) -> [PresenceAction] {
        guard let user = owners.removeValue(forKey: connection), let index = users.index(forKey: user) else { return [] }
        return process(at: index, now: now) { $0.disconnect(connection, now: now) }
    }

    /// The client reported activity (the `activity` signal, or any input the server counts as
    /// activity): the connection is no longer idle (PRES-8).
    public mutating func activity(_ connection: PresenceConnectionID, now: Instant) -> [PresenceAction] {
        guard let user = owners[connection], let index = users.index(forKey: user) else { return [] }
        let wasIdle = users.values[index].connections.contains { $0.id == connection && $0.idle }
        guard wasIdle else {
            users.values[index].updateConnection(connection) { $0.lastActivity = now }
            return []
        }
        return process(at: index, now: now) { record in
            record.updateConnection(connection) {
                $0.lastActivity = now
                $0.idle = false
            }
        }
    }

    /// The `setPresence` command: the connection's chosen status, the staff member's free text
    /// and the visitor's page (PRES-5, PRES-9, PRES-10, PRES-13). It counts as activity.
    ///
    /// - Returns: the actions, or the error to answer the command with (nothing applied).
    public mutating func setPresence(
        _ connection: PresenceConnectionID, status: PresenceStatus, text: String? = nil, page: PresencePage? = nil,
        now: Instant
    ) -> Result<[PresenceAction], WireError> {
        guard let user = owners[connection], let index = users.index(forKey: user) else { return .success([]) }
        let role = users.values[index].identity.role
        if let error = validate(role: role, status: status, text: text, page: page) { return .failure(error) }
        return .success(
            process(at: index, now: now) { record in
                record.updateConnection(connection) {
                    $0.chosen = status
                    $0.lastActivity = now
                    $0.idle = false
                    if let page { $0.page = (page, now) }
                }
                if let page { record.lastKnownPage = page }
                if let text { record.text = text.isEmpty ? nil : text }
            })
    }

    /// The `agentStatus` command: a staff member's routing status and concurrency limit
    /// (PRES-15, PRES-16, PRES-23).
    ///
    /// - Returns: the actions, or the error to answer the command with (nothing applied).
    public mutating func setRouting(
        _ connection: PresenceConnectionID, routing: RoutingStatus, maxConcurrent: UInt64? = nil, now: Instant
    ) -> Result<[PresenceAction], WireError> {
        guard let user = owners[connection], let index = users.index(forKey: user) else { return .success([]) }
        guard users.values[index].identity.role.receivesStaffOnlyContent else {
            return .failure(WireError(.forbidden, "only staff have a routing status (PRES-16)"))
        }
        guard routing != .offline else {
            return .failure(WireError(.invalidArgument, "routing status offline is reserved for the server (PRES-16)"))
        }
        guard maxConcurrent != 0 else {
            return .failure(WireError(.invalidArgument, "maxConcurrent must be at least 1 (PRES-16)"))
        }
        return .success(
            process(at: index, now: now) { record in
                record.routingChoice = routing
                if let maxConcurrent { record.maxConcurrent = maxConcurrent }
            })
    }

    /// Delivers due timers: idle connections, grace periods ending, coalescing windows closing.
    public mutating func tick(now: Instant) -> [PresenceAction] {
        var actions: [PresenceAction] = []
        announcedDeadline = nil
        while let (deadline, user) = timers.popDue(now: now) {
            guard let index = users.index(forKey: user), users.values[index].queuedDeadline == deadline else { continue }
            users.values[index].queuedDeadline = nil
            users.values[index].expire(now: now, configuration)
            settle(at: index, now: now, into: &actions)
        }
        announceTimer(into: &actions)
        return actions
    }

    /// When the earliest pending timer is due, if any.
    public var nextDeadline: Instant? { timers.earliest }

    /// Applies `change` to the record at `index`, then publishes, reports and schedules what follows.
    private mutating func process(
        at index: Dictionary<String, UserPresenceRecord>.Index, now: Instant, _ change: (inout UserPresenceRecord) -> Void
    ) -> [PresenceAction] {
        change(&users.values[index])
        var actions: [PresenceAction] = []
        settle(at: index, now: now, into: &actions)
        announceTimer(into: &actions)
        return actions
    }

    /// After a change: tells routing (PRES-16), publishes or defers to the end of the
    /// coalescing window (PRES-17), forgets a user whose offline state is out (PRES-24), and
    /// queues the record's next deadline.
    private mutating func settle(
        at index: Dictionary<String, UserPresenceRecord>.Index, now: Instant, into actions: inout [PresenceAction]
    ) {
        reportAvailability(at: index, into: &actions)
        let view = users.values[index].view
        if view != users.values[index].published, !users.values[index].flushPending {
            let windowEnd = users.values[index].lastPublishedAt?.adding(
                milliseconds: configuration.coalescingWindowMilliseconds)
            if let windowEnd, now < windowEnd {
                users.values[index].flushPending = true
            } else {
                publish(view, at: index, now: now, into: &actions)
            }
        }
        if case .offline(let since) = users.values[index].phase, !users.values[index].flushPending {
            let identity = users.values[index].identity
            lastSeenTimes[identity.user] = OfflineUser(role: identity.role, site: identity.site, lastSeen: since)
            users.remove(at: index)
            if identity.role == .visitor { actions.append(.visitorLeftSite(user: identity.user)) }
            return
        }
        guard let deadline = users.values[index].nextDeadline(configuration) else { return }
        if users.values[index].queuedDeadline.map({ deadline < $0 }) ?? true {
            users.values[index].queuedDeadline = deadline
            timers.push(deadline, users.keys[index])
        }
    }

    /// Emits `.armTimer` when the earliest deadline is earlier than the one last announced.
    private mutating func announceTimer(into actions: inout [PresenceAction]) {
        guard let earliest = timers.earliest, announcedDeadline.map({ earliest < $0 }) ?? true else { return }
        announcedDeadline = earliest
        actions.append(.armTimer(deadline: earliest))
    }

    private func validate(role: Role, status: PresenceStatus, text: String?, page: PresencePage?) -> WireError? {
        guard status != .offline else {
            return WireError(.invalidArgument, "status offline is reserved for the server (PRES-5)")
        }
        if let text {
            guard role.receivesStaffOnlyContent else {
                return WireError(.forbidden, "only staff have a free-text status (PRES-10)")
            }
            guard text.utf8.count <= configuration.maxTextBytes else {
                return WireError(.invalidArgument, "status text over \(configuration.maxTextBytes) bytes (PRES-10)")
            }
        }
        if let page {
            guard !role.receivesStaffOnlyContent else {
                return WireError(.invalidArgument, "only visitors report a page (PRES-13)")
            }
            let limit = configuration.maxPageFieldBytes
            guard !page.url.isEmpty, page.url.utf8.count <= limit, (page.title?.utf8.count ?? 0) <= limit else {
                return WireError(.invalidArgument, "page URL empty or page field over \(limit) bytes (PRES-13)")
            }
        }
        return nil
    }
}
