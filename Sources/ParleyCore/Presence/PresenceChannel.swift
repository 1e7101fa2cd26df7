/// Where a presence publication goes: a topic resolved for one site (PRES-18).
///
/// The embedding server (its fan-out hub) keeps the subscribers of each channel; the tracker
/// names the channel of every publication and never sees the subscribers themselves.
public enum PresenceChannel: Hashable, Sendable {
    /// Visitors on a site; staff of that site subscribe with `presence:visitors`.
    case visitors(site: String)
    /// Staff (agents, supervisors, bots) of a site; staff subscribe with `presence:agents`.
    case agents(site: String)
    /// A team's availability; anyone of the site subscribes with `presence:team:<team>`.
    case team(site: String, team: String)
    /// One user's full presence; staff of the site subscribe with `presence:user:<id>`.
    case user(site: String, user: String)
    /// One staff member's presence as their visitors see it (status only); a visitor
    /// subscribes with `presence:user:<id>` once that staff member is assigned to them.
    case agentForVisitor(site: String, agent: String)
}
