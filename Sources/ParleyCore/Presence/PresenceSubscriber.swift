import ParleyWire

/// Who asks to subscribe to a presence topic, with what the server knows of them that decides
/// the answer (PRES-19, PRES-20).
public struct PresenceSubscriber: Hashable, Sendable {
    /// The subscriber's user id.
    public var user: String
    /// Their role.
    public var role: Role
    /// Their site.
    public var site: String
    /// For a visitor: the staff members currently assigned to one of their conversations.
    public var assignedAgents: Set<String>

    /// A subscriber; `assignedAgents` defaults to none.
    public init(user: String, role: Role, site: String, assignedAgents: Set<String> = []) {
        self.user = user
        self.role = role
        self.site = site
        self.assignedAgents = assignedAgents
    }
}
