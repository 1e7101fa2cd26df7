import ParleyWire

extension PresenceTracker {
    /// A team of a site, the key of team availability counts.
    struct TeamKey: Hashable, Sendable {
        /// The site.
        var site: String
        /// The team.
        var team: String
    }

    /// What remains of a user after they went offline: enough to answer a subscription with
    /// their last-seen time (PRES-24).
    struct OfflineUser: Sendable {
        /// Their role.
        var role: Role
        /// Their site.
        var site: String
        /// When their last connection closed.
        var lastSeen: Instant
    }
}
