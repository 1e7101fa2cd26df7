import ParleyCore
import ParleyWire
import Testing

/// Runs every presence scenario of Spec/scenarios/presence/ (the PRES ids each file lists).
@Suite struct PresenceScenarioTests {
    static let files = (try? ScenarioFile.all(machine: "presence")) ?? []

    @Test func scenariosArePresent() {
        #expect(Self.files.count >= 6)
    }

    @Test(arguments: files.map(\.name))
    func scenario(_ name: String) throws {
        let file = try #require(Self.files.first { $0.name == name })
        let config = file.configuration ?? [:]
        var tracker = PresenceTracker(
            configuration: PresenceConfiguration(
                gracePeriodMilliseconds: config["graceMs"] ?? 10_000,
                idleAfterMilliseconds: config["idleMs"] ?? 300_000,
                coalescingWindowMilliseconds: config["coalesceMs"] ?? 500))
        let watch = Set(file.watch ?? [])
        for (number, step) in file.steps.enumerated() {
            let got = run(step, on: &tracker).filter { line in
                line.hasPrefix("error ") || line.hasPrefix("channel ") || line == "not-presence"
                    || watch.contains(String(line.prefix { $0 != " " }))
            }
            #expect(
                got.sorted() == (step.expect ?? []).sorted(),
                "\(name) step \(number) (\(step.do) at \(step.at)) of \(file.requirements)")
        }
    }

    private func run(_ step: ScenarioStep, on tracker: inout PresenceTracker) -> [String] {
        let connection = PresenceConnectionID(step.connection ?? 0)
        let actions: Result<[PresenceAction], WireError>
        switch step.do {
        case "connect":
            let identity = PresenceIdentity(
                user: step.user!, role: step.parsedRole, site: step.site ?? "acme", teams: step.teams ?? [])
            actions = .success(tracker.connect(connection, identity: identity, now: step.now))
        case "disconnect":
            actions = .success(tracker.disconnect(connection, now: step.now))
        case "activity":
            actions = .success(tracker.activity(connection, now: step.now))
        case "setPresence":
            let page = step.url.map { PresencePage(url: $0, title: step.title) }
            actions = tracker.setPresence(
                connection, status: PresenceStatus(jsonName: step.status!)!, text: step.text, page: page, now: step.now)
        case "agentStatus":
            actions = tracker.setRouting(
                connection, routing: RoutingStatus(jsonName: step.routing!)!, maxConcurrent: step.maxConcurrent,
                now: step.now)
        case "tick":
            actions = .success(tracker.tick(now: step.now))
        case "subscribe":
            let subscriber = PresenceSubscriber(
                user: step.user!, role: step.parsedRole, site: step.site ?? "acme", assignedAgents: Set(step.assigned ?? []))
            switch PresenceTopic.parse(step.topic!).map({ $0.flatMap { $0.channel(for: subscriber) } }) {
            case nil: return ["not-presence"]
            case .success(let channel)?: return ["channel \(PresenceRendering.render(channel))"]
            case .failure(let error)?: return [PresenceRendering.render(error)]
            }
        default:
            Issue.record("unknown step \(step.do)")
            return []
        }
        switch actions {
        case .success(let list): return list.compactMap(PresenceRendering.render)
        case .failure(let error): return [PresenceRendering.render(error)]
        }
    }
}
