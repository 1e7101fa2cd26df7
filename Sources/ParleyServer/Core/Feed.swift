import ParleyCore

/// A topic a session subscribes to: a presence channel (PRES section) or a team's queue
/// (ROUTE-15).
enum Feed: Hashable, Sendable {
    case presence(PresenceChannel)
    case queue(team: String)
}
