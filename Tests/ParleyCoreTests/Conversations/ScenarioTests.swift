import ParleyConformance
import ParleyCore
import ParleyWire
import Testing

/// Runs every scripted scenario in Spec/scenarios/conversations/ (all files but
/// transitions.json); the format is in that folder's README.md. Each scenario names the
/// requirements it checks.
@Suite struct ScenarioTests {
    static let files = (try? SpecData.files(in: "scenarios/conversations").filter { $0 != "transitions.json" }) ?? []

    @Test func scenariosExist() {
        #expect(Self.files.count >= 6)
    }

    @Test(arguments: files)
    func scenario(_ file: String) throws {
        let scenario = try SpecData.json("scenarios/conversations/\(file)")
        var runner = ConversationScenarioRunner(scenario)
        for (index, step) in scenario["steps"]!.array.enumerated() {
            for failure in runner.run(step) {
                Issue.record("\(file) step \(index + 1) (\(step["do"]?.string ?? "")): \(failure)")
            }
        }
    }
}

/// Interprets one scenario against a ``CoreHarness``.
struct ConversationScenarioRunner {
    var harness: CoreHarness
    let start: Instant

    init(_ scenario: JSONValue) {
        var configuration = LiveChatConfiguration()
        configuration.queuePositionIntervalMs = 0
        configuration.defaultTeam = scenario["teams"]?.array.first?["id"]?.string ?? "default"
        for (key, value) in scenario["config"]?.object ?? [:] {
            let ms = value.uint64 ?? 0
            switch key {
            case "answerTimeoutMs": configuration.answerTimeoutMs = ms
            case "disconnectGraceMs": configuration.disconnectGraceMs = ms
            case "inactivityTimeoutMs": configuration.inactivityTimeoutMs = ms
            case "reopenWindowMs": configuration.reopenWindowMs = ms
            case "queuePositionIntervalMs": configuration.queuePositionIntervalMs = ms
            case "maxOpenPerVisitor": configuration.maxOpenPerVisitor = Int(ms)
            case "historyPageMax": configuration.historyPageMax = Int(ms)
            default: Issue.record("unknown config \(key)")
            }
        }
        harness = CoreHarness(configuration: configuration)
        start = harness.now
        for team in scenario["teams"]?.array ?? [] { harness.team(team["id"]!.string!, limit: team["limit"]?.int ?? 3) }
        for member in scenario["staff"]?.array ?? [] {
            harness.agent(
                member["id"]!.string!, role: Role(jsonName: member["role"]?.string ?? "agent")!, teams: member["teams"]!.strings,
                skills: Set(member["skills"]?.strings ?? []), accepting: member["accepting"]?.bool ?? false, limit: member["limit"]?.int)
        }
        for visitor in scenario["onSite"]?.strings ?? [] {
            harness.absorb(harness.core.visitorPresenceChanged(visitor, onSite: true, now: harness.now))
        }
    }

    /// Runs one step; returns the expectations it failed.
    mutating func run(_ step: JSONValue) -> [String] {
        let before = harness.log.count
        harness.advance(to: start.adding(milliseconds: step["at"]?.uint64 ?? 0))
        let result = perform(step)
        let actions = Array(harness.log[before...])
        return check(step["expect"] ?? .object([:]), result: result, actions: actions)
    }

    private mutating func perform(_ step: JSONValue) -> Result<CommandResult, CommandError>? {
        let user = step["as"]?.string ?? ""
        let id = step["conversation"]?.string ?? ""
        let text = step["text"]?.string
        let now = harness.now
        func command(_ body: (inout LiveChatCore<InMemoryConversationStore>, ChatIdentity, Instant) -> LiveChatOutcome) -> Result<CommandResult, CommandError> {
            harness.run(user, body).result
        }
        switch step["do"]?.string ?? "tick" {
        case "tick": return nil
        case "create":
            let team = step["team"]?.string
            let priority = step["priority"].flatMap(\.uint64).map(UInt32.init)
            let tags = Set(step["tags"]?.strings ?? [])
            let properties = (step["properties"]?.object ?? [:]).sorted { $0.key < $1.key }.map { Wire.Property(key: $0.key, value: $0.value.string ?? "") }
            return command { $0.create(team: team, properties: properties, priority: priority, tags: tags, text: text, from: $1, now: $2) }
        case "send":
            let attachments = (0..<(step["attachments"]?.int ?? 0)).map {
                Wire.Attachment(name: "f\($0).png", mimeType: "image/png", size: 1_000, url: "https://files.example/f\($0)")
            }
            return command { $0.send(id, text: text ?? "", attachments: attachments, from: $1, now: $2) }
        case "note": return command { $0.note(id, text: text ?? "", from: $1, now: $2) }
        case "join":
            let mode = JoinMode(jsonName: step["mode"]?.string ?? "participant")!
            return command { $0.join(id, mode: mode, from: $1, now: $2) }
        case "leave": return command { $0.leave(id, from: $1, now: $2) }
        case "close": return command { $0.close(id, from: $1, now: $2) }
        case "reopen": return command { $0.reopen(id, from: $1, now: $2) }
        case "transfer":
            let (agent, team, note) = (step["agent"]?.string, step["team"]?.string, step["note"]?.string)
            return command { $0.transfer(id, toAgent: agent, toTeam: team, note: note, from: $1, now: $2) }
        case "rate":
            let (score, comment) = (step["score"]?.uint64 ?? 0, step["comment"]?.string)
            return command { $0.rate(id, score: score, comment: comment, from: $1, now: $2) }
        case "setProperties":
            let properties = (step["properties"]?.object ?? [:]).sorted { $0.key < $1.key }.map { Wire.Property(key: $0.key, value: $0.value.string ?? "") }
            return command { $0.setProperties(id, properties, from: $1, now: $2) }
        case "read":
            let cseq = step["cseq"]?.uint64 ?? 0
            return command { $0.read(id, upTo: cseq, from: $1, now: $2) }
        case "history":
            let anchor = step["anchor"]?.uint64
            let direction = Direction(jsonName: step["direction"]?.string ?? "backward")!
            let limit = step["limit"]?.int
            return command { core, actor, _ in core.history(id, anchor: anchor, direction: direction, limit: limit, from: actor) }
        case "list":
            let state = step["state"]?.string.flatMap(ConversationState.init(jsonName:))
            return command { core, actor, _ in core.list(state: state, from: actor) }
        case "transcript": return command { core, actor, _ in core.transcript(id, from: actor) }
        case "agentStatus":
            let routing = RoutingStatus(jsonName: step["routing"]!.string!)!
            let limit = step["maxConcurrent"]?.int
            return command { $0.agentStatus(routing, maxConcurrent: limit, from: $1, now: $2) }
        case "invite":
            let visitor = step["visitor"]!.string!
            return command { $0.invite(visitor, text: text, from: $1, now: $2) }
        case "answerInvitation":
            let (invitation, accept) = (step["invitation"]!.string!, step["accept"]!.bool!)
            return command { $0.answerInvitation(invitation, accept: accept, from: $1, now: $2) }
        case "updateAgent":
            let profile = Self.profile(step)
            let agent = step["agent"]!.string!
            return command { $0.updateAgent(agent, profile, from: $1, now: $2) }
        case "signIn":
            harness.absorb(harness.core.agentConnected(user, profile: Self.profile(step), now: now))
            return nil
        case "disconnect": harness.absorb(harness.core.agentDisconnected(user, now: now)); return nil
        case "reconnect": harness.absorb(harness.core.agentConnected(user, now: now)); return nil
        case "availability":
            harness.absorb(harness.core.agentAvailabilityChanged(user, routing: RoutingStatus(jsonName: step["routing"]!.string!)!, now: now))
            return nil
        case "onSite":
            harness.absorb(harness.core.visitorPresenceChanged(user, onSite: step["onSite"]?.bool ?? true, now: now))
            return nil
        case let other:
            Issue.record("unknown command \(other)")
            return nil
        }
    }

    /// The agent profile a step names: `teams`, `skills`, `maxConcurrent` (ROUTE-14).
    static func profile(_ step: JSONValue) -> AgentProfile {
        AgentProfile(teams: step["teams"]?.strings ?? [], skills: Set(step["skills"]?.strings ?? []), maxConcurrent: step["maxConcurrent"]?.int)
    }

    private func check(_ expect: JSONValue, result: Result<CommandResult, CommandError>?, actions: [LiveChatAction]) -> [String] {
        var failures: [String] = []
        func require(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { failures.append(message()) } }
        switch (expect["error"]?.string, result) {
        case (let code?, .failure(let error)?): require(error.code.name == code, "error \(error.code.name), expected \(code)")
        case (let code?, _): require(false, "expected \(code), got \(String(describing: result))")
        case (nil, .failure(let error)?): require(false, "unexpected \(error)")
        case (nil, _): break
        }
        for (id, state) in expect["states"]?.object ?? [:] {
            require(harness.state(id)?.jsonName == state.string, "\(id) is \(String(describing: harness.state(id))), expected \(state)")
        }
        for (id, agent) in expect["agents"]?.object ?? [:] {
            let actual = harness.core.conversation(id)?.agent
            require(actual == agent.string, "\(id) agent \(String(describing: actual)), expected \(agent)")
        }
        for (id, kinds) in expect["events"]?.object ?? [:] {
            let actual = CoreHarness.events(actions, of: id).map(\.kind.jsonName)
            require(actual == kinds.strings, "\(id) events \(actual), expected \(kinds.strings)")
        }
        var positions: [String: Int] = [:]
        for action in actions { if case .queuePosition(let id, _, let position, _) = action { positions[id] = position } }
        for (id, position) in expect["positions"]?.object ?? [:] {
            require(positions[id] == position.int, "\(id) position pushed \(String(describing: positions[id])), expected \(position)")
        }
        if expect["noPositions"]?.bool == true { require(positions.isEmpty, "positions pushed: \(positions)") }
        for (agent, load) in expect["loads"]?.object ?? [:] {
            require(harness.core.router.load(of: agent) == load.int, "\(agent) load \(harness.core.router.load(of: agent)), expected \(load)")
        }
        for (id, metrics) in expect["metrics"]?.object ?? [:] {
            guard let actual = harness.core.conversation(id)?.metrics else { require(false, "no \(id)"); continue }
            let fields: [(String, UInt64?)] = [
                ("queueWaitMs", actual.queueWaitMs), ("firstResponseMs", actual.firstResponseMs),
                ("transfers", actual.transfers), ("durationMs", actual.durationMs),
            ]
            for (name, value) in fields where metrics[name] != nil {
                require(value == metrics[name]!.uint64, "\(id) \(name) \(String(describing: value)), expected \(metrics[name]!)")
            }
        }
        for (user, kinds) in expect["delivered"]?.object ?? [:] {
            let delivered = actions.compactMap { action -> String? in
                switch action {
                case .append(let event, let recipients) where recipients.contains(user): return event.kind.jsonName
                case .backfill(let event, user): return "earlier:" + event.kind.jsonName
                default: return nil
                }
            }
            require(delivered == kinds.strings, "\(user) received \(delivered), expected \(kinds.strings)")
        }
        for (reader, users) in expect["markers"]?.object ?? [:] {
            let told = actions.compactMap { action -> [String]? in
                if case .readMarker(_, reader, _, let recipients) = action { return recipients.sorted() }
                return nil
            }
            require(told == [users.strings.sorted()], "\(reader)'s read marker told \(told), expected \(users.strings)")
        }
        if let history = expect["history"] {
            guard case .success(.history(let page))? = result else { return failures + ["no history page"] }
            require(page.events.map(\.cseq) == history["cseqs"]!.array.compactMap(\.uint64), "history \(page.events.map(\.cseq)), expected \(history["cseqs"]!)")
            require(page.hasMore == history["hasMore"]?.bool, "hasMore \(page.hasMore)")
        }
        if let list = expect["list"] {
            guard case .success(.conversations(let summaries))? = result else { return failures + ["no list"] }
            require(summaries.map(\.id) == list.strings, "list \(summaries.map(\.id)), expected \(list.strings)")
        }
        if let transcript = expect["transcript"] {
            guard case .success(.transcript(let value))? = result else { return failures + ["no transcript"] }
            require(value.events.map(\.kind.jsonName) == transcript["kinds"]!.strings, "transcript \(value.events.map(\.kind.jsonName))")
            if let comment = transcript["comment"] { require(value.comment == comment.string, "comment \(String(describing: value.comment))") }
        }
        if let ok = expect["result"] {
            switch result {
            case .success(.ok(let conversation, _))?: require(conversation == ok["conversation"]?.string, "result conversation \(String(describing: conversation))")
            case .success(.invited(let invitation))?: require(invitation == ok["invitation"]?.string, "invitation \(invitation)")
            default: require(false, "result \(String(describing: result))")
            }
        }
        if let answered = expect["invitationAnswered"] {
            let found = actions.contains { action in
                guard case .invitationAnswered(_, _, _, let accepted, let conversation) = action else { return false }
                return accepted == answered["accepted"]?.bool && conversation == answered["conversation"]?.string
            }
            require(found, "no invitationAnswered \(answered)")
        }
        return failures
    }
}
