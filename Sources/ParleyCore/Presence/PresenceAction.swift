/// What a ``PresenceTracker`` asks its embedding server to do after an input.
public enum PresenceAction: Hashable, Sendable {
    /// Send `update` (as a `presence` message) to every subscriber of the channel.
    case publish(PresenceUpdate, to: PresenceChannel)
    /// Send a team's new availability to the subscribers of `.team(site:team:)` (PRES-21).
    case publishTeam(TeamAvailability)
    /// Tell routing that a staff member's availability for new assignments changed (PRES-16).
    case agentAvailabilityChanged(AgentAvailability)
    /// A visitor went offline after the grace period: they left the site, and what only a
    /// visitor on the site can answer (pending invitations) ends (CONV-21).
    case visitorLeftSite(user: String)
    /// Call `tick(now:)` at or after `deadline`; replaces any earlier request (the tracker needs
    /// one timer, and an early or extra tick is harmless).
    case armTimer(deadline: Instant)
}
