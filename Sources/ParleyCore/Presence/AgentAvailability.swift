/// What routing needs to know about a staff member (PRES-16): whether they can receive new
/// assignments right now, and their requested concurrency limit.
public struct AgentAvailability: Hashable, Sendable {
    /// The staff member.
    public var agent: String
    /// Their site.
    public var site: String
    /// Their teams.
    public var teams: [String]
    /// True when their routing status is accepting and at least one of their live connections
    /// is online (not away, not idle).
    public var canTakeNew: Bool
    /// The concurrency limit they asked for in `agentStatus`, if any.
    public var maxConcurrent: UInt64?

    /// An availability report.
    public init(agent: String, site: String, teams: [String], canTakeNew: Bool, maxConcurrent: UInt64?) {
        self.agent = agent
        self.site = site
        self.teams = teams
        self.canTakeNew = canTakeNew
        self.maxConcurrent = maxConcurrent
    }
}
