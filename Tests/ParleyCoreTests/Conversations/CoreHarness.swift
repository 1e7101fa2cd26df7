import ParleyCore
import ParleyWire

/// Drives a ``LiveChatCore`` like an embedding server would: keeps the clock, fires the
/// timers the core armed when the clock passes them, and records every action.
struct CoreHarness {
    var core: LiveChatCore<InMemoryConversationStore>
    var now = Instant(milliseconds: 1_000_000)
    /// Armed timers not yet fired.
    var timers: [LiveChatTimer] = []
    /// Every action returned so far.
    var log: [LiveChatAction] = []
    /// Staff identities by user id; anyone else is a visitor.
    var staff: [String: ChatIdentity] = [:]

    init(configuration: LiveChatConfiguration = LiveChatConfiguration()) {
        core = LiveChatCore(store: InMemoryConversationStore(), configuration: configuration)
    }

    /// The identity of a user: registered staff, or a visitor.
    func identity(_ user: String) -> ChatIdentity { staff[user] ?? ChatIdentity(user: user, role: .visitor) }

    /// Records actions and keeps the timers among them.
    mutating func absorb(_ actions: [LiveChatAction]) {
        for action in actions { if case .armTimer(let timer) = action { timers.append(timer) } }
        log += actions
    }

    /// Moves the clock to `time`, firing every timer due by then at its own deadline.
    mutating func advance(to time: Instant) {
        while let index = timers.indices.filter({ timers[$0].deadline <= time }).min(by: { timers[$0].deadline < timers[$1].deadline }) {
            let timer = timers.remove(at: index)
            now = max(now, timer.deadline)
            absorb(core.timerFired(timer, now: now))
        }
        now = max(now, time)
    }

    /// Adds a team.
    mutating func team(_ id: String, limit: Int) { absorb(core.addTeam(id, defaultMaxConcurrent: limit, now: now)) }

    /// Registers staff in teams, optionally accepting with their own limit.
    mutating func agent(
        _ id: String, role: Role = .agent, teams: [String], skills: Set<String> = [], accepting: Bool = false, limit: Int? = nil
    ) {
        staff[id] = ChatIdentity(user: id, role: role, teams: Set(teams))
        absorb(core.registerAgent(id, AgentProfile(teams: teams, skills: skills), now: now).actions)
        absorb(core.agentStatus(accepting ? .accepting : .notAccepting, maxConcurrent: limit, from: staff[id]!, now: now).actions)
    }

    /// Runs a command as `user` at the current time and records its actions.
    @discardableResult
    mutating func run(_ user: String, _ command: (inout LiveChatCore<InMemoryConversationStore>, ChatIdentity, Instant) -> LiveChatOutcome) -> LiveChatOutcome {
        let outcome = command(&core, identity(user), now)
        absorb(outcome.actions)
        return outcome
    }

    /// Creates a conversation for `visitor` and returns its id.
    mutating func create(_ visitor: String, team: String = "sales", tags: Set<String> = [], priority: UInt32? = nil, text: String? = nil) -> String {
        let outcome = run(visitor) { $0.create(team: team, priority: priority, tags: tags, text: text, from: $1, now: $2) }
        guard case .success(.ok(let id?, _)) = outcome.result else { fatalError("create failed: \(outcome.result)") }
        return id
    }

    /// Events appended in `actions` to one conversation, in order.
    static func events(_ actions: [LiveChatAction], of conversation: String) -> [ChatEvent] {
        actions.compactMap { action in
            if case .append(let event, _) = action, event.conversation == conversation { return event }
            return nil
        }
    }

    /// The lifecycle state of a conversation.
    func state(_ id: String) -> ConversationState? { core.conversation(id)?.wireState }
}
