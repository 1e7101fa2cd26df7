import ParleyWire

/// Everything the tracker knows about one user who is connected, in grace, or offline with a
/// publication still pending: their connections, aggregate and what subscribers were told.
struct UserPresenceRecord: Sendable {
    /// Where the user is in the presence lifecycle.
    enum Phase: Equatable, Sendable {
        /// At least one live connection.
        case connected
        /// No connection left since `since`; subscribers still see `status` (PRES-6).
        case grace(since: Instant, status: PresenceStatus)
        /// Offline since `since`, kept only until the offline update is published (PRES-7).
        case offline(since: Instant)
    }

    /// Who the user is (from their first connection).
    let identity: PresenceIdentity
    /// Where the user is in the lifecycle.
    var phase: Phase = .connected
    /// The live connections, in order of connection.
    var connections: [PresenceConnectionState] = []
    /// How many of `connections` are online (kept incrementally; PRES-2).
    var onlineCount = 0
    /// The page the user reported last on any connection (PRES-12).
    var lastKnownPage: PresencePage? {
        get { lastKnownPageOutOfLine?.value }
        set { lastKnownPageOutOfLine = newValue.map(OutOfLine.init) }
    }
    /// The free-text status (staff, PRES-10).
    var text: String?
    /// The routing status the staff member chose (PRES-23).
    var routingChoice: RoutingStatus = .notAccepting
    /// The concurrency limit the staff member asked for.
    var maxConcurrent: UInt64?
    /// When the user came online from offline (PRES-14).
    let onSiteSince: Instant
    /// The last update published for the user, if any.
    var published: PresenceUpdate? {
        get { publishedOutOfLine?.value }
        set { publishedOutOfLine = newValue.map(OutOfLine.init) }
    }
    /// ``lastKnownPage`` and ``published`` are kept out of line: every visitor on the site has a
    /// record in the tracker's dictionary, which reserves room for a whole record per slot.
    private var lastKnownPageOutOfLine: OutOfLine<PresencePage>?
    private var publishedOutOfLine: OutOfLine<PresenceUpdate>?
    /// When it was published (start of the coalescing window, PRES-17).
    var lastPublishedAt: Instant?
    /// Whether a change waits for the end of the coalescing window.
    var flushPending = false
    /// What routing was last told (PRES-16).
    var reportedAvailability: (canTakeNew: Bool, maxConcurrent: UInt64?) = (false, nil)
    /// Whether the published presence counts towards the user's teams' availability (PRES-21).
    var countedInTeams = false
    /// The deadline this record has queued in the tracker's timer queue, if any.
    var queuedDeadline: Instant?

    /// A record for a user coming online from offline.
    init(identity: PresenceIdentity, now: Instant) {
        self.identity = identity
        self.onSiteSince = now
    }

    /// Whether the user may receive new assignments now (PRES-16).
    var canTakeNew: Bool {
        switch phase {
        case .connected: routingChoice == .accepting && onlineCount > 0
        case .grace, .offline: false
        }
    }

    /// The aggregated status subscribers should see now (PRES-2, PRES-6, PRES-7).
    var status: PresenceStatus {
        switch phase {
        case .connected: onlineCount > 0 ? .online : .away
        case .grace(_, let status): status
        case .offline: .offline
        }
    }

    /// The page of the connection that reported one last, else the last page reported (PRES-12).
    var currentPage: PresencePage? {
        var newest: (page: PresencePage, at: Instant)?
        for connection in connections {
            if let page = connection.page, newest.map({ page.at >= $0.at }) ?? true { newest = page }
        }
        return newest?.page ?? lastKnownPage
    }

    /// The update subscribers should see now, by role (PRES-3).
    var view: PresenceUpdate {
        let status = status
        var update = PresenceUpdate(user: identity.user, role: identity.role, status: status)
        if case .offline(let since) = phase {
            update.lastSeen = since
            if identity.role.receivesStaffOnlyContent { update.routing = .offline }
            return update
        }
        if identity.role.receivesStaffOnlyContent {
            update.text = text
            update.routing = routingChoice == .accepting && status == .online ? .accepting : .notAccepting
        } else {
            update.page = currentPage
            update.onSiteSince = onSiteSince
        }
        return update
    }

    /// The earliest instant at which something about this user changes by itself: a
    /// connection going idle, the grace period ending, or the coalescing window closing.
    func nextDeadline(_ configuration: PresenceConfiguration) -> Instant? {
        var earliest: Instant?
        func consider(_ deadline: Instant?) {
            if let deadline, earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        }
        switch phase {
        case .connected: for connection in connections { consider(connection.idleDeadline(configuration)) }
        case .grace(let since, _): consider(since.adding(milliseconds: configuration.gracePeriodMilliseconds))
        case .offline: break
        }
        if flushPending, let last = lastPublishedAt {
            consider(last.adding(milliseconds: configuration.coalescingWindowMilliseconds))
        }
        return earliest
    }

    /// Adds a connection (PRES-1); a user in grace or pending offline is connected again.
    mutating func connect(_ id: PresenceConnectionID, now: Instant) {
        connections.append(PresenceConnectionState(id: id, now: now))
        onlineCount += 1
        phase = .connected
    }

    /// Removes a connection, leaving the others as they are (PRES-4); the last one starts the
    /// grace period with the status subscribers see now (PRES-6).
    mutating func disconnect(_ id: PresenceConnectionID, now: Instant) {
        guard let index = connections.firstIndex(where: { $0.id == id }) else { return }
        let statusBefore = status
        if connections[index].isOnline { onlineCount -= 1 }
        connections.remove(at: index)
        if connections.isEmpty { phase = .grace(since: now, status: statusBefore) }
    }

    /// Applies `body` to one connection and keeps `onlineCount` in step with it.
    mutating func updateConnection(_ id: PresenceConnectionID, _ body: (inout PresenceConnectionState) -> Void) {
        guard let index = connections.firstIndex(where: { $0.id == id }) else { return }
        let wasOnline = connections[index].isOnline
        body(&connections[index])
        switch (wasOnline, connections[index].isOnline) {
        case (false, true): onlineCount += 1
        case (true, false): onlineCount -= 1
        case (true, true), (false, false): break
        }
    }

    /// Marks idle every connection whose idle deadline has passed (PRES-8) and ends the grace
    /// period when it is over (PRES-7).
    mutating func expire(now: Instant, _ configuration: PresenceConfiguration) {
        switch phase {
        case .connected:
            for index in connections.indices {
                if let deadline = connections[index].idleDeadline(configuration), deadline <= now {
                    connections[index].idle = true
                    onlineCount -= 1
                }
            }
        case .grace(let since, _):
            if since.adding(milliseconds: configuration.gracePeriodMilliseconds) <= now { phase = .offline(since: since) }
        case .offline:
            break
        }
        if flushPending, let last = lastPublishedAt,
            last.adding(milliseconds: configuration.coalescingWindowMilliseconds) <= now
        {
            flushPending = false
        }
    }
}
