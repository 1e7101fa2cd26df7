import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// Acknowledged means durable (Spec/durability.md), on the core with a store that confirms when
/// the test says: nothing that depends on a change is written before its batch is confirmed,
/// confirmations release in batch order, a failed write answers STORE_UNAVAILABLE and loses
/// nothing.
@Suite struct DurabilityTests {
    /// A driver whose store holds every write, with an accepting agent and a visitor connected.
    static func chat() -> (CoreDriver, agent: ConnectionID, visitor: ConnectionID) {
        var d = CoreDriver()
        let agent = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)
        let visitor = d.connect(Wire.Auth(scheme: "anonymous")).0
        _ = d.take(agent)
        d.holdsWrites = true
        return (d, agent, visitor)
    }

    /// The message answering `rid`, if it reached `id`.
    static func answer(_ rid: UInt64, in messages: [Message]) -> Message? { messages.first { $0.resultRID == rid } }

    @Test("STORE-1: a create reaches nobody — not its ok, not the agent's assignment — until its batch is confirmed")
    func nothingBeforeConfirmation() throws {
        var (d, agent, visitor) = Self.chat()
        let rid = d.nextRID()
        d.send(.create(.init(rid: rid, text: "Where is my parcel?", clientMessageId: "m1")), on: visitor)
        let batch = try #require(d.writes.first, "the create's changes leave as a batch")
        #expect(batch.changes.contains { if case .event(let event) = $0 { event.kind == .created } else { false } })
        #expect(batch.changes.contains { if case .conversation(let machine) = $0 { machine.agent == "ana" } else { false } })
        #expect(d.take(visitor).isEmpty && d.take(agent).isEmpty, "nothing is observable before the store confirms")
        // A ping in the meantime waits too: it would overtake the held ok on the same connection.
        d.send(.ping(.init(nonce: 7)), on: visitor)
        #expect(d.take(visitor).isEmpty)

        d.confirm(batch.id)
        let toVisitor = d.take(visitor)
        guard case .ok(let ok)? = Self.answer(rid, in: toVisitor) else { Issue.record("no ok: \(toVisitor)"); return }
        #expect(ok.conversation != nil)
        #expect(toVisitor.last?.name == "pong", "released in the order produced")
        #expect(d.take(agent).contains { $0.conversationEvent?.kind == .assigned })
    }

    @Test("STORE-2: a later batch confirmed first releases nothing; the earlier one releases both, in order")
    func confirmationsOutOfOrder() throws {
        var (d, _, visitor) = Self.chat()
        let created = d.nextRID()
        d.send(.create(.init(rid: created, text: "first", clientMessageId: "m1")), on: visitor)
        d.confirm(try #require(d.writes.first).id)
        guard case .ok(let ok)? = Self.answer(created, in: d.take(visitor)), let conversation = ok.conversation else {
            Issue.record("no conversation"); return
        }
        let first = d.nextRID(), second = d.nextRID()
        d.send(.send(.init(rid: first, conversation: conversation, clientMessageId: "m2", text: "second")), on: visitor)
        d.send(.send(.init(rid: second, conversation: conversation, clientMessageId: "m3", text: "third")), on: visitor)
        #expect(d.writes.count == 2)
        let (earlier, later) = (d.writes[0].id, d.writes[1].id)
        d.confirm(later)
        #expect(d.take(visitor).isEmpty, "the earlier batch is not confirmed yet")
        d.confirm(earlier)
        let released = d.take(visitor)
        #expect(released.compactMap(\.resultRID) == [first, second])
        #expect(released.compactMap(\.conversationEvent).compactMap(\.text) == ["second", "third"])
        #expect(d.core.unconfirmedBatches == 0)
    }

    @Test("STORE-3, STORE-4: a failed write answers STORE_UNAVAILABLE at once; the same command re-sent gets the original once written, applied once")
    func failedWrite() throws {
        var (d, agent, visitor) = Self.chat()
        let created = d.nextRID()
        d.send(.create(.init(rid: created, text: "hello", clientMessageId: "m1")), on: visitor)
        d.confirm(try #require(d.writes.first).id)
        guard case .ok(let ok)? = Self.answer(created, in: d.take(visitor)), let conversation = ok.conversation else {
            Issue.record("no conversation"); return
        }
        _ = d.take(agent)
        let rid = d.nextRID()
        let message = Message.send(.init(rid: rid, conversation: conversation, clientMessageId: "m2", text: "are you there?"))
        d.send(message, on: visitor)
        let batch = try #require(d.writes.first)
        d.fail(batch.id)
        guard case .error(let error)? = Self.answer(rid, in: d.take(visitor)) else { Issue.record("no STORE_UNAVAILABLE"); return }
        #expect(error.code == UInt64(ErrorCode.storeUnavailable.rawValue))
        #expect(error.retryAfterMs != nil)
        #expect(d.take(agent).isEmpty, "the agent is not shown the unconfirmed message")

        // Re-sent with the same rid and with the same clientMessageId: both wait for the write.
        d.send(message, on: visitor)
        let again = d.nextRID()
        d.send(.send(.init(rid: again, conversation: conversation, clientMessageId: "m2", text: "are you there?")), on: visitor)
        #expect(d.take(visitor).isEmpty)
        d.confirm(batch.id)  // written again, and confirmed this time
        let released = d.take(visitor)
        guard case .ok(let original)? = Self.answer(rid, in: released), case .ok(let duplicate)? = Self.answer(again, in: released) else {
            Issue.record("no original results: \(released)"); return
        }
        #expect(original.cseq == duplicate.cseq && duplicate.duplicate == true)
        #expect(original.duplicate != true, "the same rid gets the original result itself (SESSION-19)")
        #expect(d.take(agent).compactMap(\.conversationEvent).compactMap(\.text) == ["are you there?"], "delivered once")
        let machine = try #require(d.core.chat.conversation(conversation))
        let texts = d.core.chat.store.events(of: conversation, in: 1...machine.lastCseq).compactMap(\.wire.text)
        #expect(texts.filter { $0 == "are you there?" }.count == 1, "applied once")
    }

    @Test("what waits for a connection that closes is dropped; other connections still get theirs")
    func closedConnectionDropsItsHeldOutputs() throws {
        var (d, agent, visitor) = Self.chat()
        d.send(.create(.init(rid: d.nextRID(), text: "bye soon", clientMessageId: "m1")), on: visitor)
        let batch = try #require(d.writes.first)
        d.drop(visitor)
        d.confirm(batch.id)
        #expect(d.take(visitor).isEmpty)
        #expect(d.take(agent).contains { $0.conversationEvent?.kind == .assigned })
    }

    @Test("an input that changes nothing durable, with nothing unconfirmed, goes out at once")
    func nothingWaitsWithoutWrites() {
        var (d, _, visitor) = Self.chat()
        d.send(.ping(.init(nonce: 1)), on: visitor)
        #expect(d.writes.isEmpty)
        #expect(d.take(visitor).map(\.name) == ["pong"])
    }

    @Test("the host's team and agent changes are durable changes too: the store holds what the host set")
    func administrationIsWritten() throws {
        var d = CoreDriver()
        d.perform(d.core.addTeam("billing", defaultMaxConcurrent: 4, now: d.now))
        #expect(d.store.teams["billing"] == 4)
        d.perform(try d.core.setAgent("bo", AgentProfile(teams: ["billing"], skills: ["es"]), now: d.now).get())
        #expect(d.store.agents["bo"] == AgentProfile(teams: ["billing"], skills: ["es"]))
        d.perform(d.core.removeAgent("bo", now: d.now))
        #expect(d.store.agents["bo"] == nil)
        d.perform(try d.core.removeTeam("billing", now: d.now).get())
        #expect(d.store.teams["billing"] == nil)
        #expect(d.store.teams["support"] == nil, "configured teams come from the configuration at every start, not the store")
    }
}

