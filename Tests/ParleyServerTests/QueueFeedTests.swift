import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The team queue feed over the server core (ROUTE-15): who may subscribe, the first answer,
/// updates as conversations enter and leave, and the subscription limit.
@Suite struct QueueFeedTests {
    static func queues(_ messages: [Message]) -> [Wire.Queue] {
        messages.compactMap { if case .queue(let q) = $0 { q } else { nil } }
    }

    @Test("agents of the team and supervisors subscribe; other teams and visitors are FORBIDDEN; unknown teams TEAM_NOT_FOUND")
    func permissions() {
        var d = CoreDriver()
        let member = d.connectAgent("ana", teams: ["support"])
        let outsider = d.connectAgent("bo", teams: ["billing"])
        let supervisor = d.connectAgent("sue", role: .supervisor, teams: ["billing"])
        let (visitor, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        func answer(_ topic: String, _ id: ConnectionID, _ d: inout CoreDriver) -> String {
            switch d.command({ .subscribe(.init(rid: $0, topic: topic)) }, on: id) {
            case .ok?: "ok"
            case .error(let e)?: ErrorCode(rawValue: UInt32(e.code)).name
            default: "none"
            }
        }
        #expect(answer("queue:support", member, &d) == "ok")
        #expect(Self.queues(d.take(member)).first?.total == 0, "the first answer is the current queue")
        #expect(answer("queue:support", supervisor, &d) == "ok")
        #expect(answer("queue:support", outsider, &d) == "FORBIDDEN")
        #expect(answer("queue:support", visitor, &d) == "FORBIDDEN")
        #expect(answer("queue:nowhere", member, &d) == "TEAM_NOT_FOUND")
        #expect(answer("queue:", member, &d) == "UNKNOWN_TOPIC")
    }

    @Test("a waiting conversation appears with its preview and leaves when an agent takes it")
    func updates() throws {
        var d = CoreDriver()
        let agent = d.connectAgent("ana")
        #expect(d.command({ .subscribe(.init(rid: $0, topic: "queue:support")) }, on: agent)?.name == "ok")
        _ = d.take(agent)
        let (visitor, _) = d.connect(Wire.Auth(scheme: "anonymous"))
        let created = d.command({ .create(.init(rid: $0, team: "support", text: "Where is my parcel?")) }, on: visitor)
        guard case .ok(let ok)? = created, let conversation = ok.conversation else { Issue.record("create: \(String(describing: created))"); return }
        d.advance(by: 1_500)  // the queue interval
        let entered = try #require(Self.queues(d.take(agent)).last)
        #expect(entered.total == 1)
        #expect(entered.entries.map(\.conversation) == [conversation])
        #expect(entered.entries.first?.preview == "Where is my parcel?")
        #expect(entered.entries.first?.state == .offline, "nobody accepts yet")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)?.name == "ok")
        d.advance(by: 1_500)
        let left = try #require(Self.queues(d.take(agent)).last)
        #expect(left.total == 0 && left.entries.isEmpty)
    }
}
