extension PresenceTracker {
    /// Publishes `view` for the record at `index` to every channel that carries it (PRES-18)
    /// and updates its teams' availability (PRES-21).
    mutating func publish(
        _ view: PresenceUpdate, at index: Dictionary<String, UserPresenceRecord>.Index, now: Instant,
        into actions: inout [PresenceAction]
    ) {
        let previous = users.values[index].published
        users.values[index].published = view
        users.values[index].lastPublishedAt = now
        let identity = users.values[index].identity
        guard identity.role.receivesStaffOnlyContent else {
            actions.append(.publish(view, to: .visitors(site: identity.site)))
            actions.append(.publish(view, to: .user(site: identity.site, user: identity.user)))
            return
        }
        actions.append(.publish(view, to: .agents(site: identity.site)))
        actions.append(.publish(view, to: .user(site: identity.site, user: identity.user)))
        if previous?.visitorView != view.visitorView {
            actions.append(.publish(view.visitorView, to: .agentForVisitor(site: identity.site, agent: identity.user)))
        }
        let available = view.status == .online && view.routing == .accepting
        guard available != users.values[index].countedInTeams else { return }
        users.values[index].countedInTeams = available
        for team in identity.teams {
            let key = TeamKey(site: identity.site, team: team)
            let before = availableMembers[key, default: 0]
            let after = available ? before + 1 : before - 1
            availableMembers[key] = after == 0 ? nil : after
            if (before == 0) != (after == 0) {
                actions.append(.publishTeam(TeamAvailability(site: identity.site, team: team, available: after > 0)))
            }
        }
    }

    /// Tells routing when a staff member's availability or concurrency limit changed (PRES-16);
    /// immediate, neither coalesced nor smoothed by the grace period.
    mutating func reportAvailability(
        at index: Dictionary<String, UserPresenceRecord>.Index, into actions: inout [PresenceAction]
    ) {
        let record = users.values[index]
        guard record.identity.role.receivesStaffOnlyContent else { return }
        let canTakeNew = record.canTakeNew
        let reported = record.reportedAvailability
        guard canTakeNew != reported.canTakeNew || record.maxConcurrent != reported.maxConcurrent else { return }
        users.values[index].reportedAvailability = (canTakeNew, record.maxConcurrent)
        actions.append(
            .agentAvailabilityChanged(
                AgentAvailability(
                    agent: record.identity.user, site: record.identity.site, teams: record.identity.teams,
                    canTakeNew: canTakeNew, maxConcurrent: record.maxConcurrent)))
    }
}
