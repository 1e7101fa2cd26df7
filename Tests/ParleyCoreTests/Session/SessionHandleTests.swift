@testable import ParleyCore
import ParleyWire
import Testing

/// The handles the fan-out path offers events through (``SessionHandle``): one reaches its own
/// session's log, and never another session's, even one that took its place in the registry.
@Suite struct SessionHandleTests {
    static let key = Array("parley session tests secret key!".utf8)
    static let event = SharedEvent(.event(.init(seq: 0, event: .init(
        conversation: "c1", cseq: 1, kind: .message, time: 5, sender: "ana", senderRole: .agent, text: "hi"))))

    @Test("an event offered through a handle reaches that session's log and says where it is attached")
    func handleReachesItsSession() throws {
        var registry = SessionRegistry(configuration: SessionConfiguration(), key: Self.key, instance: "t")
        let first = registry.open(identity: Wire.Identity(user: "v1", role: .visitor), connection: ConnectionID(rawValue: 1))
        let second = registry.open(identity: Wire.Identity(user: "v2", role: .visitor), connection: ConnectionID(rawValue: 2))
        let handle = try #require(registry.handle(of: second.id))
        #expect(registry.enqueue(Self.event, to: handle) == ConnectionID(rawValue: 2))
        #expect(registry.sequence(of: second.id)?.lastSeq == 1)
        #expect(registry.sequence(of: first.id)?.lastSeq == 0)
    }

    @Test("a handle to an ended session reaches nothing, not even the session that reuses its slot")
    func staleHandleReachesNothing() throws {
        var registry = SessionRegistry(configuration: SessionConfiguration(), key: Self.key, instance: "t")
        let ended = registry.open(identity: Wire.Identity(user: "v1", role: .visitor), connection: ConnectionID(rawValue: 1))
        let stale = try #require(registry.handle(of: ended.id))
        registry.end(ended.id)
        let next = registry.open(identity: Wire.Identity(user: "v2", role: .visitor), connection: ConnectionID(rawValue: 2))
        let fresh = try #require(registry.handle(of: next.id))
        #expect(fresh.slot == stale.slot)  // the slot was reused
        #expect(registry.enqueue(Self.event, to: stale) == nil)
        #expect(registry.sequence(of: next.id)?.lastSeq == 0)
        #expect(registry.enqueue(Self.event, to: fresh) == ConnectionID(rawValue: 2))
        #expect(registry.count == 1)
    }
}
