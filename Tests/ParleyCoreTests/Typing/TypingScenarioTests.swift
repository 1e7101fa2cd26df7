import ParleyCore
import ParleyWire
import Testing

/// Runs every typing scenario of Spec/scenarios/presence/ (the TYPE ids each file lists).
@Suite struct TypingScenarioTests {
    static let files = (try? ScenarioFile.all(machine: "typing")) ?? []

    @Test func scenariosArePresent() {
        #expect(Self.files.count >= 6)
    }

    @Test(arguments: files.map(\.name))
    func scenario(_ name: String) throws {
        let file = try #require(Self.files.first { $0.name == name })
        let config = file.configuration ?? [:]
        var tracker = TypingTracker(
            configuration: TypingConfiguration(
                expiryMilliseconds: config["expiryMs"] ?? 6_000,
                throttleMilliseconds: config["throttleMs"] ?? 2_000,
                refreshMilliseconds: config["refreshMs"] ?? 3_000,
                maxPreviewBytes: Int(config["maxPreviewBytes"] ?? 1024)))
        for (number, step) in file.steps.enumerated() {
            let got = run(step, on: &tracker).compactMap(TypingRendering.render)
            #expect(
                got.sorted() == (step.expect ?? []).sorted(),
                "\(name) step \(number) (\(step.do) at \(step.at)) of \(file.requirements)")
        }
    }

    private func run(_ step: ScenarioStep, on tracker: inout TypingTracker) -> [TypingAction] {
        let conversation = step.conversation ?? "c1"
        switch step.do {
        case "typing":
            return tracker.typing(
                conversation: conversation, identity: TypingIdentity(user: step.user!, role: step.parsedRole),
                isTyping: step.typing ?? true, isInternal: step.internal ?? false, preview: step.preview, now: step.now)
        case "messageSent":
            return tracker.messageSent(conversation: conversation, user: step.user!, now: step.now)
        case "previews":
            return tracker.setPreviewsEnabled(step.enabled!, conversation: conversation, now: step.now)
        case "ended":
            return tracker.conversationEnded(conversation, now: step.now)
        case "tick":
            return tracker.tick(now: step.now)
        default:
            Issue.record("unknown step \(step.do)")
            return []
        }
    }
}
