import ParleyWire

/// One live connection of a user, as the tracker aggregates it (PRES-1, PRES-8).
struct PresenceConnectionState: Sendable {
    /// The connection.
    let id: PresenceConnectionID
    /// The status the client last set: online or away (PRES-9).
    var chosen: PresenceStatus = .online
    /// When the client last showed activity (PRES-8).
    var lastActivity: Instant
    /// Whether the connection has been idle for the idle time.
    var idle = false
    /// The page this connection last reported, and when.
    var page: (page: PresencePage, at: Instant)?

    /// A connection that just connected: online, active now.
    init(id: PresenceConnectionID, now: Instant) {
        self.id = id
        self.lastActivity = now
    }

    /// Whether the connection counts as online in the aggregate (PRES-2).
    var isOnline: Bool { chosen == .online && !idle }

    /// When the connection becomes idle if nothing happens, if it can become idle at all.
    func idleDeadline(_ configuration: PresenceConfiguration) -> Instant? {
        isOnline ? lastActivity.adding(milliseconds: configuration.idleAfterMilliseconds) : nil
    }
}
