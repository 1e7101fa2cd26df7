extension PresenceTracker {
    /// What a new subscriber of `channel` is sent first: the published presence of everyone
    /// the channel carries who is not offline, or the one user's presence, offline included
    /// with their last-seen time (PRES-22, PRES-24). Team channels use ``teamAvailability(site:team:)``.
    ///
    /// - Complexity: O(users) for the site-wide channels, O(1) otherwise.
    public func snapshot(of channel: PresenceChannel) -> [PresenceUpdate] {
        switch channel {
        case .visitors(let site):
            return users.values.compactMap { record in
                guard record.identity.site == site, !record.identity.role.receivesStaffOnlyContent else { return nil }
                return record.published.flatMap { $0.status == .offline ? nil : $0 }
            }
        case .agents(let site):
            return users.values.compactMap { record in
                guard record.identity.site == site, record.identity.role.receivesStaffOnlyContent else { return nil }
                return record.published.flatMap { $0.status == .offline ? nil : $0 }
            }
        case .team:
            return []
        case .user(let site, let user):
            return presence(of: user, site: site).map { [$0] } ?? []
        case .agentForVisitor(let site, let agent):
            return presence(of: agent, site: site).map { [$0.visitorView] } ?? []
        }
    }

    /// Whether a team of a site has a member published online and accepting (PRES-21).
    public func teamAvailability(site: String, team: String) -> TeamAvailability {
        TeamAvailability(site: site, team: team, available: availableMembers[TeamKey(site: site, team: team)] != nil)
    }

    /// The presence `user` has now, before coalescing (what the next publication would say),
    /// or `nil` once they are offline and their record is gone (see ``lastSeen(of:)``).
    public func currentPresence(of user: String) -> PresenceUpdate? { users[user]?.view }

    /// What a staff member's choice and activity mean for routing now — whether they take new
    /// conversations, and the limit they chose — as ``PresenceAction/agentAvailabilityChanged(_:)``
    /// reports it on each change (PRES-16); `nil` for a user the tracker does not know.
    public func availability(of user: String) -> (canTakeNew: Bool, maxConcurrent: UInt64?)? {
        users[user].map { ($0.canTakeNew, $0.maxConcurrent) }
    }

    /// When `user` was last connected, if they are offline and the tracker remembers them (PRES-24).
    public func lastSeen(of user: String) -> Instant? { lastSeenTimes[user]?.lastSeen }

    /// Forgets an offline user's last-seen time (the server may keep it in its own store).
    public mutating func forgetLastSeen(of user: String) { lastSeenTimes[user] = nil }

    /// The published presence of a user of `site`, or their offline presence with last-seen time.
    private func presence(of user: String, site: String) -> PresenceUpdate? {
        if let record = users[user] {
            return record.identity.site == site ? record.published : nil
        }
        guard let offline = lastSeenTimes[user], offline.site == site else { return nil }
        return PresenceUpdate(
            user: user, role: offline.role, status: .offline,
            routing: offline.role.receivesStaffOnlyContent ? .offline : nil, lastSeen: offline.lastSeen)
    }
}
