import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// A host that runs inputs in batches (`ServerCore.defersFlushes`, as `ParleyServer` does)
/// gets each session's events once per batch, in one send per connection, and each connection
/// still gets its messages in the order the core produced them (SESSION-12, HUB-20).
@Suite struct DeferredFlushTests {
    /// A visitor's conversation assigned to agent ana; the host batches from here on.
    static func chat() throws -> (CoreDriver, agent: ConnectionID, visitor: ConnectionID, conversation: String) {
        var d = CoreDriver()
        let agent = d.connectAgent("ana")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent).map(\.name) == "ok")
        let (visitor, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "hello", clientMessageId: "c")) }, on: visitor),
              let conversation = ok.conversation else { throw Failure.noConversation }
        _ = d.take(agent)
        _ = d.take(visitor)
        d.core.defersFlushes = true
        return (d, agent, visitor, conversation)
    }

    enum Failure: Error { case noConversation }

    static func send(_ text: String, in conversation: String, on id: ConnectionID, _ d: inout CoreDriver) {
        d.send(.send(.init(rid: d.nextRID(), conversation: conversation, clientMessageId: text, text: text)), on: id)
    }

    static func texts(_ messages: [Message]) -> [String] {
        messages.compactMap { $0.conversationEvent?.kind == .message ? $0.conversationEvent?.text : nil }
    }

    @Test("HUB-20: events given to a session during a batch go out when it ends, in one send per connection")
    func eventsWaitForTheEndOfTheBatch() throws {
        var (d, agent, visitor, conversation) = try Self.chat()
        for text in ["one", "two", "three"] { Self.send(text, in: conversation, on: visitor, &d) }
        #expect(d.take(agent).isEmpty, "nothing for the agent before the batch ends")

        let outputs = d.core.flushDeferred(now: d.now)
        let toAgent = outputs.compactMap { if case .send(let id, let items) = $0, id == agent { items } else { nil } }
        #expect(toAgent.count == 1, "one send for the agent's connection")
        d.perform(outputs)
        #expect(Self.texts(d.take(agent)) == ["one", "two", "three"])
        #expect(d.core.flushDeferred(now: d.now).isEmpty, "a second end of batch has nothing to hand out")
    }

    @Test("HUB-20, SESSION-12: within a batch each connection still gets earlier events before a later result, and a result before the events it caused")
    func orderPerConnectionIsKept() throws {
        var (d, _, visitor, conversation) = try Self.chat()
        Self.send("one", in: conversation, on: visitor, &d)
        Self.send("two", in: conversation, on: visitor, &d)
        d.perform(d.core.flushDeferred(now: d.now))
        // The visitor's own events: "one" was given to its log before the second send's input
        // ran, so it goes out before that send's result; "two" after it.
        let order = d.take(visitor).compactMap { message -> String? in
            if let text = message.conversationEvent?.text, message.conversationEvent?.kind == .message { return "event \(text)" }
            return message.resultRID != nil ? "result" : nil
        }
        #expect(order == ["result", "event one", "result", "event two"])
    }

    @Test("HUB-20: a connection the server ends gets what its log was given first")
    func aCloseComesAfterTheEvents() throws {
        var (d, _, visitor, conversation) = try Self.chat()
        let staff = d.connectAgent("sam", role: .supervisor)
        Self.send("before the shutdown", in: conversation, on: visitor, &d)
        d.perform(d.core.shutdown(reconnectAfterMs: 100, now: d.now))
        let received = d.take(visitor)
        let event = received.firstIndex { $0.conversationEvent?.text == "before the shutdown" }
        let goodbye = received.firstIndex { if case .goodbye = $0 { true } else { false } }
        #expect(event != nil && goodbye != nil && event! < goodbye!, "the event, then the goodbye")
        #expect(d.closed[staff] == .serverShutdown)
    }

    @Test("without batches (the default) each input's outputs carry the events it caused")
    func withoutBatchesEachInputFlushes() throws {
        var (d, agent, visitor, conversation) = try Self.chat()
        d.core.defersFlushes = false
        Self.send("now", in: conversation, on: visitor, &d)
        #expect(Self.texts(d.take(agent)) == ["now"])
    }
}
