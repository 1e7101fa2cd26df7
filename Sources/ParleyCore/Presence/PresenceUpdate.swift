import ParleyWire

/// A user's aggregated presence as subscribers see it; the server maps it one to one onto the
/// wire message `presence` (PRES-3).
public struct PresenceUpdate: Hashable, Sendable {
    /// The user.
    public var user: String
    /// Their role.
    public var role: Role
    /// The aggregated status (PRES-2).
    public var status: PresenceStatus
    /// The free-text status (staff only, absent when offline).
    public var text: String?
    /// The current page (visitors only, absent when offline).
    public var page: PresencePage?
    /// The effective routing status (staff only, PRES-15).
    public var routing: RoutingStatus?
    /// When the user was last connected (offline users only, PRES-24).
    public var lastSeen: Instant?
    /// When the visitor arrived on the site (visitors only, absent when offline).
    public var onSiteSince: Instant?

    /// An update; the optional fields default to absent.
    public init(
        user: String, role: Role, status: PresenceStatus, text: String? = nil, page: PresencePage? = nil,
        routing: RoutingStatus? = nil, lastSeen: Instant? = nil, onSiteSince: Instant? = nil
    ) {
        self.user = user
        self.role = role
        self.status = status
        self.text = text
        self.page = page
        self.routing = routing
        self.lastSeen = lastSeen
        self.onSiteSince = onSiteSince
    }

    /// What a visitor may see of their assigned agent: who, role and status only (PRES-20).
    public var visitorView: PresenceUpdate {
        PresenceUpdate(user: user, role: role, status: status)
    }
}
