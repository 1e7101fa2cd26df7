import ParleyWire

/// Who a connection belongs to, as the embedding server authenticated it.
///
/// The site scopes who may see whom (PRES-18); teams matter only for staff, whose
/// availability makes their teams available (PRES-21).
public struct PresenceIdentity: Hashable, Sendable {
    /// The user id.
    public var user: String
    /// The user's role.
    public var role: Role
    /// The site (tenant) the user belongs to.
    public var site: String
    /// The teams a staff member works in; ignored for visitors.
    public var teams: [String]

    /// An identity; `teams` defaults to none.
    public init(user: String, role: Role, site: String, teams: [String] = []) {
        self.user = user
        self.role = role
        self.site = site
        self.teams = teams
    }
}
