import ParleyTestSupport
import ParleyCore
import ParleyWire
import Testing

/// Randomized check of the typing audiences (TYPE-2, TYPE-3, TYPE-8, TYPE-9, TYPE-11): every
/// receiver applies the `typers` messages routed to them, and after every step each one shows
/// exactly the true set as their role may see it, without themselves; visitors never see an
/// internal typer or a preview; no typer outlives the expiry.
@Suite struct TypingPropertyTests {
    static let configuration = TypingConfiguration()
    static let typists: [TypingIdentity] = [
        TypingIdentity(user: "v1", role: .visitor), TypingIdentity(user: "a1", role: .agent),
        TypingIdentity(user: "s1", role: .supervisor), TypingIdentity(user: "b1", role: .bot),
    ]
    /// Receivers: the typists plus a staff observer and a second visitor who never type.
    static let receivers: [TypingIdentity] = typists + [
        TypingIdentity(user: "s9", role: .supervisor), TypingIdentity(user: "v9", role: .visitor),
    ]

    func strip(_ typers: [ActiveTyper]) -> [ActiveTyper] {
        typers.map { ActiveTyper(user: $0.user, role: $0.role, isInternal: $0.isInternal) }
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func everyReceiverSeesTheTruthWithoutThemselves(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var tracker = TypingTracker(configuration: Self.configuration)
        var shown: [String: [ActiveTyper]] = [:]
        var lastStart: [String: Instant] = [:]
        var now = Instant(milliseconds: 0)

        func deliver(_ actions: [TypingAction]) {
            for case .publish(let update, let audience) in actions {
                #expect(update.conversation == "c1")
                for receiver in Self.receivers {
                    let staff = receiver.role.receivesStaffOnlyContentForTests
                    let gets: Bool
                    switch audience {
                    case .staff(let excluding): gets = staff && !excluding.contains(receiver.user)
                    case .visitors(let excluding): gets = !staff && !excluding.contains(receiver.user)
                    case .user(let user): gets = user == receiver.user
                    }
                    guard gets else { continue }
                    #expect(!update.typers.contains { $0.user == receiver.user }, "echo to \(receiver.user)")
                    if !staff {
                        #expect(!update.typers.contains { $0.isInternal || $0.preview != nil }, "leak to \(receiver.user)")
                    }
                    shown[receiver.user] = update.typers
                }
            }
        }

        for step in 0..<8_000 {
            now = now.adding(milliseconds: random.next() % 1_500)
            deliver(tracker.tick(now: now))
            let who = Self.typists[Int(random.next() % UInt64(Self.typists.count))]
            switch random.next() % 10 {
            case 0...4:
                let isInternal = who.role != .visitor && random.next() % 3 == 0
                let preview = random.next() % 2 == 0 ? "draft \(random.next() % 4)" : nil
                let actions = tracker.typing(
                    conversation: "c1", identity: who, isTyping: true, isInternal: isInternal, preview: preview, now: now)
                if tracker.typers(in: "c1").contains(where: { $0.user == who.user }) { lastStart[who.user] = now }
                deliver(actions)
            case 5, 6:
                lastStart[who.user] = nil
                deliver(tracker.typing(conversation: "c1", identity: who, isTyping: false, now: now))
            case 7:
                lastStart[who.user] = nil
                deliver(tracker.messageSent(conversation: "c1", user: who.user, now: now))
            default:
                deliver(tracker.setPreviewsEnabled(random.next() % 2 == 0, conversation: "c1", now: now))
            }

            let truth = tracker.typers(in: "c1")
            for typer in truth {
                let started = lastStart[typer.user]
                #expect(started != nil, "step \(step): \(typer.user) typing without a start")
                if let started {
                    #expect(now.milliseconds(since: started) < Self.configuration.expiryMilliseconds, "step \(step): \(typer.user) outlived the expiry")
                }
            }
            for receiver in Self.receivers {
                let staff = receiver.role.receivesStaffOnlyContentForTests
                let visible = truth.filter { $0.user != receiver.user && (staff || !$0.isInternal) }
                #expect(strip(shown[receiver.user] ?? []) == strip(visible.map { staff ? $0 : ActiveTyper(user: $0.user, role: $0.role) }), "step \(step): \(receiver.user)")
            }
        }
    }
}

extension Role {
    /// The test's own statement of who is staff (TYPE-9), independent of the implementation's.
    var receivesStaffOnlyContentForTests: Bool { self != .visitor }
}
