import ParleyCore
import ParleyWire

/// The scenario files' one-line text form of presence actions (Spec/scenarios/presence/README.md).
/// Timer requests are not rendered: the tests check them directly.
enum PresenceRendering {
    static func render(_ action: PresenceAction) -> String? {
        switch action {
        case .publish(let update, let channel): "\(render(channel)) \(render(update))"
        case .publishTeam(let team): "team@\(team.site)/\(team.team) \(team.available ? "available" : "unavailable")"
        case .agentAvailabilityChanged(let a):
            "routing \(a.agent) canTakeNew=\(a.canTakeNew)" + (a.maxConcurrent.map { " maxConcurrent=\($0)" } ?? "")
        case .visitorLeftSite(let user): "leftSite \(user)"
        case .armTimer: nil
        }
    }

    static func render(_ error: WireError) -> String { "error \(error.code.name)" }

    static func render(_ channel: PresenceChannel) -> String {
        switch channel {
        case .visitors(let site): "visitors@\(site)"
        case .agents(let site): "agents@\(site)"
        case .team(let site, let team): "team@\(site)/\(team)"
        case .user(let site, let user): "user@\(site)/\(user)"
        case .agentForVisitor(let site, let agent): "agentForVisitor@\(site)/\(agent)"
        }
    }

    static func render(_ update: PresenceUpdate) -> String {
        var parts = [update.user, update.role.jsonName, update.status.jsonName]
        if let text = update.text { parts.append("text=\(text)") }
        if let page = update.page { parts.append("page=\(page.url)") }
        if let title = update.page?.title { parts.append("title=\(title)") }
        if let routing = update.routing { parts.append("routing=\(routing.jsonName)") }
        if let lastSeen = update.lastSeen { parts.append("lastSeen=\(lastSeen.rawValue)") }
        if let since = update.onSiteSince { parts.append("onSiteSince=\(since.rawValue)") }
        return parts.joined(separator: " ")
    }
}
