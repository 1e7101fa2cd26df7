import ParleyConformance
import ParleyCore
import ParleyWire
import Testing

/// CONV-3: every (state, input) pair of Spec/scenarios/conversations/transitions.json yields
/// exactly the specified state and events, or the specified error with nothing applied.
@Suite struct TransitionTableTests {
    static let table: JSONValue = try! SpecData.json("scenarios/conversations/transitions.json")

    static var cells: [(state: String, input: String)] {
        table["states"]!.strings.flatMap { state in table["inputs"]!.strings.map { (state, $0) } }
    }

    /// CONV-2: the table's rows are exactly the wire's ConversationState values.
    @Test func tableCoversEveryStateAndInput() {
        #expect(Set(Self.table["states"]!.strings) == Set(ConversationState.allCases.map(\.jsonName)))
        for state in Self.table["states"]!.strings {
            #expect(Set(Self.table["table"]![state]!.object.keys) == Set(Self.table["inputs"]!.strings))
        }
    }

    @Test(arguments: cells.map { "\($0.state) × \($0.input)" })
    func conv3Transition(_ cell: String) throws {
        let parts = cell.components(separatedBy: " × ")
        let (state, input) = (parts[0], parts[1])
        let expected = Self.table["table"]![state]![input]!
        var (harness, id) = Self.fixture(in: state)
        #expect(harness.state(id)?.jsonName == state)
        let cseqBefore = harness.core.conversation(id)!.lastCseq
        let (result, actions) = Self.apply(input, to: id, in: &harness)
        if let code = expected["error"]?.string {
            guard case .failure(let error)? = result else {
                Issue.record("\(cell): expected \(code), got \(String(describing: result))")
                return
            }
            #expect(error.code.name == code, "\(cell)")
            #expect(actions.isEmpty, "\(cell): a refused input emits nothing")
            #expect(harness.state(id)?.jsonName == state, "\(cell): state unchanged")
            #expect(harness.core.conversation(id)!.lastCseq == cseqBefore, "\(cell): nothing appended")
        } else {
            if case .failure(let error)? = result { Issue.record("\(cell): unexpected \(error)") }
            #expect(harness.state(id)?.jsonName == expected["to"]!.string, "\(cell)")
            let kinds = CoreHarness.events(actions, of: id).map(\.kind.jsonName)
            #expect(kinds == expected["events"]!.strings, "\(cell)")
            let cseqs = CoreHarness.events(actions, of: id).map(\.cseq)
            #expect(cseqs == Array((cseqBefore + 1)..<(cseqBefore + 1 + UInt64(kinds.count))), "\(cell): CONV-10 gapless cseq")
        }
    }

    /// Builds a core whose conversation of visitor `v1` is in `state` (README.md, "fixture").
    static func fixture(in state: String) -> (CoreHarness, String) {
        var configuration = LiveChatConfiguration()
        configuration.queuePositionIntervalMs = 0
        var harness = CoreHarness(configuration: configuration)
        harness.team("sales", limit: 1)
        harness.team("support", limit: 1)
        let busy = state == "queued" || state == "abandoned"
        harness.agent("a1", teams: ["sales"], accepting: state != "offline")
        harness.agent("a2", teams: ["sales"])
        harness.agent("s1", role: .supervisor, teams: ["sales"], limit: 5)
        if busy { _ = harness.create("v0") }
        let id = harness.create("v1")
        switch state {
        case "closed": harness.run("a1") { $0.close(id, from: $1, now: $2) }
        case "abandoned": harness.run("v1") { $0.leave(id, from: $1, now: $2) }
        default: break
        }
        harness.now = harness.now.adding(milliseconds: 1_000)
        return (harness, id)
    }

    /// Applies one input of the table; returns the command result (nil for system inputs) and
    /// the actions it produced.
    static func apply(_ input: String, to id: String, in harness: inout CoreHarness) -> (Result<CommandResult, CommandError>?, [LiveChatAction]) {
        let before = harness.log.count
        var result: Result<CommandResult, CommandError>?
        func command(_ user: String, _ body: (inout LiveChatCore<InMemoryConversationStore>, ChatIdentity, Instant) -> LiveChatOutcome) {
            result = harness.run(user, body).result
        }
        let later = harness.now.adding(milliseconds: 31 * 60_000)
        switch input {
        case "agentAvailable": command("a2") { $0.agentStatus(.accepting, from: $1, now: $2) }
        case "answerTimeout":
            harness.absorb(harness.core.timerFired(LiveChatTimer(deadline: later, kind: .answer(conversation: id, assignment: 1)), now: later))
        case "disconnectGrace":
            harness.absorb(harness.core.agentDisconnected("a1", now: harness.now))
            harness.absorb(harness.core.timerFired(LiveChatTimer(deadline: later, kind: .disconnectGrace(agent: "a1", disconnect: 1)), now: later))
        case "inactivityTimeout":
            harness.absorb(harness.core.timerFired(LiveChatTimer(deadline: later, kind: .inactivity(conversation: id)), now: later))
        case "transferToAgent": command("s1") { $0.transfer(id, toAgent: "a2", from: $1, now: $2) }
        case "transferToTeam": command("s1") { $0.transfer(id, toTeam: "support", note: "vip", from: $1, now: $2) }
        case "visitorLeave": command("v1") { $0.leave(id, from: $1, now: $2) }
        case "closeByAgent": command("s1") { $0.close(id, from: $1, now: $2) }
        case "closeByVisitor": command("v1") { $0.close(id, from: $1, now: $2) }
        case "reopen": command("v1") { $0.reopen(id, from: $1, now: $2) }
        case "visitorMessage": command("v1") { $0.send(id, text: "hello", from: $1, now: $2) }
        case "agentMessage": command("a1") { $0.send(id, text: "hi", from: $1, now: $2) }
        case "note": command("a1") { $0.note(id, text: "internal", from: $1, now: $2) }
        case "rate": command("v1") { $0.rate(id, score: 4, from: $1, now: $2) }
        case "join": command("s1") { $0.join(id, mode: .observer, from: $1, now: $2) }
        case "takeover": command("s1") { $0.join(id, mode: .takeover, from: $1, now: $2) }
        case "staffLeaveUnjoined": command("s1") { $0.leave(id, from: $1, now: $2) }
        case "setProperties": command("v1") { $0.setProperties(id, [Wire.Property(key: "k", value: "v")], from: $1, now: $2) }
        default: Issue.record("unknown input \(input)")
        }
        return (result, Array(harness.log[before...]))
    }
}
