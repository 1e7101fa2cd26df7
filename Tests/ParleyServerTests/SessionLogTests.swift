import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The reference server's sessions keep their events in the hub's outbound log: one shared
/// encoding per event, ephemeral messages shed while a client lags on acks and resynchronized
/// once it catches up (SESSION-10, SESSION-33, HUB-5, HUB-6, HUB-10).
@Suite struct SessionLogTests {
    /// A server whose sessions shed ephemeral messages from 2 unacknowledged events on
    /// (a quarter of `maxRetainedEvents`).
    static func driver() -> CoreDriver {
        var configuration = ServerConfiguration(key: CoreDriver.key, teams: ["support"])
        configuration.session.maxRetainedEvents = 8
        return CoreDriver(configuration: configuration)
    }

    static func presenceUsers(_ messages: [Message]) -> Set<String> {
        Set(messages.compactMap { if case .presence(let p) = $0 { p.user } else { nil } })
    }

    @Test func session33_theLogsBoundsAreAnnouncedInTheWelcome() throws {
        var d = Self.driver()
        let (_, welcome) = d.connect(Wire.Auth(scheme: "anonymous"))
        let limits = try #require(welcome).limits
        #expect(limits.maxUnackedEvents == 8)
        #expect(limits.maxUnackedBytes == 4 << 20)
    }

    @Test func hub10_presenceIsShedWhileBehindOnAcksThenResynchronized() throws {
        var d = Self.driver()
        let agent = d.connectAgent("ana")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent).map(\.name) == "ok")
        #expect(d.command({ .subscribe(.init(rid: $0, topic: "presence:visitors")) }, on: agent).map(\.name) == "ok")
        let (visitor, first) = d.connect(Wire.Auth(scheme: "anonymous"))
        let firstVisitor = try #require(first).identity.user
        d.advance(by: 1_000)
        #expect(Self.presenceUsers(d.take(agent)).contains(firstVisitor), "caught up: presence arrives")

        // The visitor's chat gives the agent events it does not acknowledge.
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "hello", clientMessageId: "m1")) }, on: visitor),
            let conversation = ok.conversation
        else { Issue.record("create failed"); return }
        for n in 2...3 {
            _ = d.command({ .send(.init(rid: $0, conversation: conversation, clientMessageId: "m\(n)", text: "more \(n)")) }, on: visitor)
        }
        let events = d.take(agent).compactMap(\.eventSeq)
        #expect(events.count >= 2, "the agent holds at least the high-water mark of unacknowledged events")
        let lastSeq = try #require(events.last)

        // Behind on acks: the second visitor's arrival is shed, not sent.
        let (_, second) = d.connect(Wire.Auth(scheme: "anonymous"))
        let secondVisitor = try #require(second).identity.user
        d.advance(by: 1_000)
        #expect(!Self.presenceUsers(d.take(agent)).contains(secondVisitor), "HUB-10: shed while at the high-water mark")

        // The ack takes the log below the mark: the current state of the subscription is re-sent.
        d.send(.ack(Wire.Ack(seq: lastSeq)), on: agent)
        let resynced = Self.presenceUsers(d.take(agent))
        #expect(resynced.isSuperset(of: [firstVisitor, secondVisitor]), "HUB-10: resynchronized after the ack")
        #expect(d.closed[agent] == nil)
    }

    @Test func hub6_oneSharedEncodingReachesEveryRecipient() throws {
        var d = Self.driver()
        let agent = d.connectAgent("ana")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent).map(\.name) == "ok")
        let (visitor, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "hello", clientMessageId: "m1")) }, on: visitor),
            let conversation = ok.conversation
        else { Issue.record("create failed"); return }
        let before = d.sharedWrites.count
        _ = d.command({ .send(.init(rid: $0, conversation: conversation, clientMessageId: "m2", text: "one message")) }, on: visitor)
        let writes = d.sharedWrites[before...].filter { $0.1.message.conversationEvent?.text == "one message" }
        // Visitor and agent each get the message, as the same object with their own seq.
        #expect(Set(writes.map(\.0)) == [visitor, agent])
        #expect(writes.count == 2 && writes.allSatisfy { $0.1 === writes.first!.1 })
    }
}
