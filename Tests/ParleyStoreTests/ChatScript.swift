import ParleyCore
import ParleyWire

/// A live-chat core driven through a fixed day of chats, recording the ``DurableChange``s it
/// persists, one batch per input, as a server would hand them to its store. The tests write
/// these real changes, not invented ones.
struct ChatScript {
    /// The reopen window: conversations ended longer ago than this are archived.
    static let reopenWindowMs: UInt64 = 60_000

    private(set) var core: LiveChatCore<InMemoryConversationStore>
    private(set) var now = Instant(milliseconds: 1_700_000_000_000)
    private var timers: [LiveChatTimer] = []
    /// Each input's changes, in order.
    private(set) var batches: [[DurableChange]] = []
    /// Every record persisted, in order, by conversation.
    private(set) var records: [String: [ConversationMachine]] = [:]
    /// When each conversation ended, as its record says.
    private(set) var ended: [String: Instant] = [:]

    static let ann = ChatIdentity(user: "ann", role: .agent, teams: ["sales"])
    static let bob = ChatIdentity(user: "bob", role: .agent, teams: ["support"])
    static let sue = ChatIdentity(user: "sue", role: .supervisor, teams: ["sales", "support"])

    /// The script's conversations.
    enum Conversation {
        /// v1's, in sales: active after a close, a rating and a reopen, with an observer, read
        /// markers and properties.
        static let active = "c1"
        /// v2's, in support: closed, rated and archived.
        static let rated = "c2"
        /// v3's, in support: abandoned while queued, archived.
        static let abandoned = "c3"
        /// v1's second, in support: closed after c2, archived.
        static let billing = "c4"
        /// v4's, in sales: closed within its reopen window, so not archived.
        static let recent = "c5"
    }

    /// The whole day.
    static let day: ChatScript = {
        var script = ChatScript()
        script.play()
        return script
    }()

    /// Every change of the day, in order.
    var changes: [DurableChange] { batches.flatMap { $0 } }

    /// What a store holds after the day: the reference the database stores are compared with.
    var reference: StoreContents {
        var contents = StoreContents()
        contents.apply(changes)
        return contents
    }

    private init() {
        var configuration = LiveChatConfiguration()
        configuration.defaultTeam = "sales"
        configuration.reopenWindowMs = Self.reopenWindowMs
        configuration.keepsArchive = false
        core = LiveChatCore(store: InMemoryConversationStore(), configuration: configuration)
    }

    private mutating func play() {
        input { $0.addTeam("sales", defaultMaxConcurrent: 3, now: $1) }
        input { $0.addTeam("support", defaultMaxConcurrent: 1, now: $1) }
        input { $0.addTeam("legacy", defaultMaxConcurrent: 2, now: $1) }
        command { $0.registerAgent("ann", AgentProfile(teams: ["sales"], skills: ["parcels"]), now: $1) }
        command { $0.registerAgent("bob", AgentProfile(teams: ["support"], maxConcurrent: 1), now: $1) }
        command { $0.registerAgent("sue", AgentProfile(teams: ["sales", "support"]), now: $1) }
        command { $0.registerAgent("tim", AgentProfile(teams: ["legacy"]), now: $1) }
        input { $0.removeAgent("tim", now: $1) }
        command { $0.removeTeam("legacy", movingTo: "sales", now: $1) }
        command { $0.agentStatus(.accepting, from: Self.ann, now: $1) }
        command { $0.agentStatus(.accepting, from: Self.bob, now: $1) }

        let v1 = visitor("v1"), v2 = visitor("v2"), v3 = visitor("v3"), v4 = visitor("v4")
        command { $0.create(team: "sales", properties: [Wire.Property(key: "order", value: "42")], text: "Where is my parcel?", from: v1, now: $1) }
        command { $0.send(Conversation.active, text: "Your parcel ships on Monday", from: Self.ann, now: $1) }
        command { $0.note(Conversation.active, text: "Parcel insurance claim pending", from: Self.ann, now: $1) }
        command { $0.read(Conversation.active, upTo: 2, from: v1, now: $1) }
        command { $0.create(team: "support", text: "Parcel refund please", from: v2, now: $1) }
        command { $0.send(Conversation.rated, text: "Refund approved for both parcels", from: Self.bob, now: $1) }
        command { $0.create(team: "support", text: "Hello, anyone there about my parcel?", from: v3, now: $1) }
        input { $0.visitorLeft("v3", now: $1) }
        command { $0.close(Conversation.rated, from: v2, now: $1) }
        command { $0.rate(Conversation.rated, score: 5, comment: "quick", from: v2, now: $1) }
        command { $0.create(team: "support", text: "A second question, about billing", from: v1, now: $1) }
        command { $0.send(Conversation.billing, text: "Billing answered: the parcel fee is refunded", from: Self.bob, now: $1) }
        command { $0.close(Conversation.billing, from: Self.bob, now: $1) }
        advance(byMs: Self.reopenWindowMs + 5_000)

        command { $0.close(Conversation.active, from: v1, now: $1) }
        command { $0.rate(Conversation.active, score: 4, comment: "thanks", from: v1, now: $1) }
        command { $0.reopen(Conversation.active, from: v1, now: $1) }
        command { $0.join(Conversation.active, mode: .observer, from: Self.sue, now: $1) }
        command { $0.read(Conversation.active, upTo: 3, from: Self.ann, now: $1) }
        command { $0.setProperties(Conversation.active, [Wire.Property(key: "tier", value: "vip")], from: Self.ann, now: $1) }
        command { $0.send(Conversation.active, text: "PARCEL tracking number sent", from: Self.ann, now: $1) }
        command { $0.create(team: "sales", text: "Quick parcel check", from: v4, now: $1) }
        command { $0.close(Conversation.recent, from: v4, now: $1) }
    }

    private func visitor(_ user: String) -> ChatIdentity { ChatIdentity(user: user, role: .visitor) }

    /// Runs a command one second after the last input; it must succeed.
    private mutating func command(_ body: (inout LiveChatCore<InMemoryConversationStore>, Instant) -> LiveChatOutcome) {
        input { core, now in
            let outcome = body(&core, now)
            if case .failure(let error) = outcome.result { fatalError("the script's command was refused: \(error)") }
            return outcome.actions
        }
    }

    /// Runs a system input one second after the last input.
    private mutating func input(_ body: (inout LiveChatCore<InMemoryConversationStore>, Instant) -> [LiveChatAction]) {
        advance(byMs: 1_000)
        absorb(body(&core, now))
    }

    /// Moves the clock, firing the timers due on the way (archiving, among others).
    private mutating func advance(byMs ms: UInt64) {
        let end = now.adding(milliseconds: ms)
        while let timer = timers.filter({ $0.deadline <= end }).min(by: { $0.deadline < $1.deadline }) {
            timers.removeAll { $0 == timer }
            now = max(now, timer.deadline)
            absorb(core.timerFired(timer, now: now))
        }
        now = end
    }

    private mutating func absorb(_ actions: [LiveChatAction]) {
        var batch: [DurableChange] = []
        for action in actions {
            switch action {
            case .armTimer(let timer): timers.append(timer)
            case .persist(let change):
                batch.append(change)
                if case .conversation(let machine) = change {
                    records[machine.id, default: []].append(machine)
                    ended[machine.id] = machine.endedAt
                }
            default: break
            }
        }
        if !batch.isEmpty { batches.append(batch) }
    }
}
