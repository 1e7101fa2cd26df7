import ParleyWire

/// A presence topic name from a `subscribe` command, parsed (PRES-18).
///
/// Names are `presence:visitors`, `presence:agents`, `presence:team:<team>` and
/// `presence:user:<id>`. Other names starting with `presence:` are errors (UNKNOWN_TOPIC);
/// names with another prefix belong to other sections and parse as `nil`.
public enum PresenceTopic: Hashable, Sendable {
    /// `presence:visitors`: the visitors on the subscriber's site.
    case visitors
    /// `presence:agents`: the staff of the subscriber's site.
    case agents
    /// `presence:team:<team>`: whether a team is available.
    case team(String)
    /// `presence:user:<id>`: one user.
    case user(String)

    /// The prefix every presence topic starts with.
    public static let prefix = "presence:"

    /// Parses a topic name: `nil` when it is not a presence topic, UNKNOWN_TOPIC when it is
    /// one but malformed (PRES-18).
    public static func parse(_ name: String) -> Result<PresenceTopic, WireError>? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        if rest == "visitors" { return .success(.visitors) }
        if rest == "agents" { return .success(.agents) }
        if let team = suffix(of: rest, after: "team:") { return .success(.team(team)) }
        if let user = suffix(of: rest, after: "user:") { return .success(.user(user)) }
        return .failure(WireError(.unknownTopic, "'\(name)' is not a presence topic (PRES-18)"))
    }

    /// The topic's name as a client writes it.
    public var name: String {
        switch self {
        case .visitors: Self.prefix + "visitors"
        case .agents: Self.prefix + "agents"
        case .team(let team): Self.prefix + "team:" + team
        case .user(let user): Self.prefix + "user:" + user
        }
    }

    /// Decides whether `subscriber` may subscribe, and to which channel (PRES-19, PRES-20):
    /// staff may see their site's visitors, staff and users; anyone may see a team's
    /// availability; a visitor may see a staff member only while assigned to them.
    public func channel(for subscriber: PresenceSubscriber) -> Result<PresenceChannel, WireError> {
        let site = subscriber.site
        let isStaff = subscriber.role.receivesStaffOnlyContent
        switch self {
        case .visitors where isStaff: return .success(.visitors(site: site))
        case .agents where isStaff: return .success(.agents(site: site))
        case .team(let team): return .success(.team(site: site, team: team))
        case .user(let user) where isStaff: return .success(.user(site: site, user: user))
        case .user(let user) where subscriber.assignedAgents.contains(user):
            return .success(.agentForVisitor(site: site, agent: user))
        case .visitors, .agents, .user:
            return .failure(WireError(.presenceForbidden, "a \(subscriber.role.jsonName) may not subscribe to \(name) (PRES-19)"))
        }
    }

    private static func suffix(of rest: Substring, after head: String) -> String? {
        guard rest.hasPrefix(head), rest.count > head.count else { return nil }
        return String(rest.dropFirst(head.count))
    }
}
