import ParleyWire

/// Who issues a command to the live-chat core: the authenticated user, their role and, for
/// staff, their teams. Every access decision is made from this value (CONV-30).
public struct ChatIdentity: Hashable, Sendable {
    /// The user id.
    public var user: String
    /// The user's role.
    public var role: Role
    /// Teams an agent or supervisor belongs to; empty for visitors.
    public var teams: Set<String>

    /// Creates an identity.
    public init(user: String, role: Role, teams: Set<String> = []) {
        self.user = user
        self.role = role
        self.teams = teams
    }

    /// Whether the identity is staff (agent, supervisor or bot), who may see internal notes.
    public var isStaff: Bool {
        switch role {
        case .visitor: false
        case .agent, .supervisor, .bot: true
        }
    }
}
