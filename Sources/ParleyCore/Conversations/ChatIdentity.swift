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
    /// Facts the host vouches for about a visitor, set on each conversation they start (CONV-38).
    public var vouched: [Wire.Property]

    /// Creates an identity.
    public init(user: String, role: Role, teams: Set<String> = [], vouched: [Wire.Property] = []) {
        self.user = user
        self.role = role
        self.teams = teams
        self.vouched = vouched
    }

    /// The properties a conversation this visitor starts carries: the vouched facts, then the
    /// visitor's own `properties` of other keys (CONV-38).
    public func startingProperties(_ properties: [Wire.Property]) -> [Wire.Property] {
        guard !vouched.isEmpty else { return properties }
        let keys = vouchedKeys
        return vouched + properties.filter { !keys.contains($0.key) }
    }

    /// The keys of the vouched facts.
    var vouchedKeys: Set<String> { Set(vouched.map(\.key)) }

    /// Whether this identity may set `properties`: a visitor may not change a vouched key (CONV-38).
    public func maySet(_ properties: [Wire.Property]) -> Bool {
        guard role == .visitor, !vouched.isEmpty else { return true }
        let keys = vouchedKeys
        return !properties.contains { keys.contains($0.key) }
    }

    /// Whether the identity is staff (agent, supervisor or bot), who may see internal notes.
    public var isStaff: Bool {
        switch role {
        case .visitor: false
        case .agent, .supervisor, .bot: true
        }
    }
}
