/// Whether a team has at least one agent who is online and accepting (PRES-21): what a
/// visitor's widget shows as "we're here" or "leave a message".
public struct TeamAvailability: Hashable, Sendable {
    /// The site the team belongs to.
    public var site: String
    /// The team.
    public var team: String
    /// True when some member's published presence is online and accepting.
    public var available: Bool

    /// A team availability.
    public init(site: String, team: String, available: Bool) {
        self.site = site
        self.team = team
        self.available = available
    }
}
