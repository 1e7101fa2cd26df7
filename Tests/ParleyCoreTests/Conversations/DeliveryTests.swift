import ParleyCore
import ParleyWire
import Testing

/// How appended events leave the core (CONV-23, CONV-27).
@Suite struct DeliveryTests {
    /// CONV-23: an emitted event is already in the store, with the sender's client message id.
    @Test func conv23EmittedEventsAreStoredWithTheirClientMessageId() {
        var harness = CoreHarness()
        harness.team("sales", limit: 1)
        harness.agent("a1", teams: ["sales"], accepting: true)
        let id = harness.create("v1")
        let outcome = harness.run("v1") { $0.send(id, text: "hi", clientMessageId: "m-1", from: $1, now: $2) }
        let emitted = CoreHarness.events(outcome.actions, of: id)
        #expect(emitted.map(\.clientMessageId) == ["m-1"])
        #expect(harness.core.store.events(of: id, in: emitted[0].cseq...emitted[0].cseq) == emitted)
    }

    /// CONV-27: an answer timer that fires after the agent answered does nothing.
    @Test func conv27StaleTimersDoNothing() {
        var harness = CoreHarness()
        harness.team("sales", limit: 1)
        harness.agent("a1", teams: ["sales"], accepting: true)
        let id = harness.create("v1")
        harness.run("a1") { $0.send(id, text: "hello", from: $1, now: $2) }
        let before = harness.log.count
        harness.advance(to: harness.now.adding(milliseconds: 61_000))
        #expect(CoreHarness.events(Array(harness.log[before...]), of: id).isEmpty)
        #expect(harness.core.conversation(id)?.agent == "a1")
    }
}
