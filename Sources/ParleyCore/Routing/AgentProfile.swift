/// What the host says about an agent: their teams, skills and concurrency cap, from their
/// credentials at sign-in (ROUTE-2) or from a supervisor's `updateAgent` (ROUTE-14).
public struct AgentProfile: Sendable, Hashable, Codable {
    /// The teams the agent works in (at least one).
    public var teams: [String]
    /// Skills matched against conversation tags (ROUTE-13).
    public var skills: Set<String>
    /// The agent's concurrency cap: their default limit and the most their own limit counts
    /// for; `nil` uses the teams' default (ROUTE-5).
    public var maxConcurrent: Int?

    /// Creates a profile.
    public init(teams: [String], skills: Set<String> = [], maxConcurrent: Int? = nil) {
        self.teams = teams
        self.skills = skills
        self.maxConcurrent = maxConcurrent
    }
}
