import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// A supervisor's `eraseVisitor` through the server (CONV-37, STORE-8): without a store memory
/// holds everything; with one the command waits while the store lists the visitor's archived
/// conversations, and its result waits for the erasure's write (STORE-1).
@Suite struct EraseCommandTests {
    /// A server with (`keepsArchive` false) or without a store: ana (support, one conversation
    /// at a time) and a supervisor; the visitor's first conversation ended and archived, their
    /// second one open with ana, and another visitor's waiting in the queue.
    struct Setup {
        var d: CoreDriver
        var supervisor: ConnectionID
        var visitor: ConnectionID
        var user: String
        var old: String
        var open: String
        var other: String
    }

    static func setup(keepsArchive: Bool) throws -> Setup {
        var chat = LiveChatConfiguration()
        chat.keepsArchive = keepsArchive
        chat.reopenWindowMs = 1_000
        var d = CoreDriver(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"], chat: chat))
        let agent = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting, maxConcurrent: 1)) }, on: agent)
        let supervisor = d.connectAgent("sam", role: .supervisor)
        let (old, visitor, welcome) = try RestartTests.create(&d, text: "my old order")
        _ = d.command({ .close(.init(rid: $0, conversation: old)) }, on: agent)
        d.advance(by: 2_000)
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "my address is 1 Main St", clientMessageId: "p2")) }, on: visitor),
              let open = ok.conversation else { throw Failure.setup }
        let (other, _, _) = try RestartTests.create(&d, text: "someone else")
        return Setup(d: d, supervisor: supervisor, visitor: visitor, user: welcome.identity.user, old: old, open: open, other: other)
    }

    enum Failure: Error { case setup }

    /// The events the store holds of `conversations`.
    static func events(of conversations: [String], in d: CoreDriver) -> UInt64 {
        conversations.reduce(0) { $0 + UInt64(d.store.events[$1]?.count ?? 0) }
    }

    @Test("CONV-37, STORE-8: without a store memory holds everything: one erasure lists the open and the ended conversation, reading nothing")
    func withoutAStore() throws {
        var s = try Self.setup(keepsArchive: true)
        #expect(s.d.core.chat.conversation(s.old) != nil, "memory keeps the archive")
        let events = Self.events(of: [s.old, s.open], in: s.d)
        guard case .erased(let erased)? = s.d.command({ .eraseVisitor(.init(rid: $0, visitor: s.user)) }, on: s.supervisor) else {
            Issue.record("no erased result"); return
        }
        #expect(erased.conversations == [s.old, s.open].sorted())
        #expect(erased.events == events && events >= 6)
        #expect(s.d.reads == 0)
        #expect(s.d.core.chat.conversation(s.old) == nil && s.d.core.chat.conversation(s.open) == nil)
        #expect(s.d.core.chat.conversation(s.other)?.agent == "ana", "her capacity went to the next waiting conversation")
        guard case .error(let gone)? = s.d.command({ .history(.init(rid: $0, conversation: s.old)) }, on: s.supervisor) else {
            Issue.record("history answered"); return
        }
        #expect(gone.code == UInt64(ErrorCode.conversationNotFound.rawValue))
        guard case .conversations(let list)? = s.d.command({ .list(.init(rid: $0)) }, on: s.visitor) else { Issue.record("no list"); return }
        #expect(list.conversations.isEmpty)
    }

    @Test("STORE-8, STORE-1: with a store the archived conversation is listed from it, and the result waits for the erasure's write")
    func withAStore() throws {
        var s = try Self.setup(keepsArchive: false)
        #expect(s.d.core.chat.conversation(s.old) == nil && s.d.store.archived.contains(s.old), "only the store holds it")
        let events = Self.events(of: [s.old, s.open], in: s.d)
        _ = s.d.take(s.supervisor)
        s.d.holdsWrites = true
        let early = s.d.command({ .eraseVisitor(.init(rid: $0, visitor: s.user)) }, on: s.supervisor)
        #expect(early == nil, "nothing before the store confirms")
        #expect(s.d.reads == 1)
        #expect(s.d.store.records[s.old] != nil, "not erased in the store yet")
        #expect(s.d.core.chat.conversation(s.open) == nil, "erased in memory at once")
        s.d.confirmWrites()
        let erased = s.d.take(s.supervisor).compactMap { if case .erased(let e) = $0 { e } else { nil } }
        #expect(erased.count == 1)
        #expect(erased.first?.conversations == [s.old, s.open].sorted())
        #expect(erased.first?.events == events && events >= 6)
        #expect(s.d.store.records[s.old] == nil && s.d.store.records[s.open] == nil)
        #expect(s.d.store.events[s.old] == nil && s.d.store.events[s.open] == nil)
        #expect(s.d.store.records[s.other] != nil)
        #expect(s.d.core.chat.conversation(s.old) == nil, "what was read back left memory again")
    }

    @Test("CONV-37: agents, bots and visitors get FORBIDDEN, without a read and without erasing anything")
    func onlySupervisors() throws {
        var s = try Self.setup(keepsArchive: false)
        let agent = s.d.connectAgent("al")
        let bot = s.d.connectAgent("robo", role: .bot)
        for connection in [agent, bot, s.visitor] {
            guard case .error(let refused)? = s.d.command({ .eraseVisitor(.init(rid: $0, visitor: s.user)) }, on: connection) else {
                Issue.record("not refused"); continue
            }
            #expect(refused.code == UInt64(ErrorCode.forbidden.rawValue))
            #expect(refused.requirement == "CONV-37")
        }
        #expect(s.d.reads == 0)
        #expect(s.d.core.chat.conversation(s.open) != nil)
        #expect(s.d.store.records[s.old] != nil)
    }

    @Test("CONV-37: a visitor with nothing to erase is answered with an empty erased result")
    func nothingToErase() throws {
        var s = try Self.setup(keepsArchive: false)
        guard case .erased(let erased)? = s.d.command({ .eraseVisitor(.init(rid: $0, visitor: "nobody")) }, on: s.supervisor) else {
            Issue.record("no erased result"); return
        }
        #expect(erased.conversations.isEmpty && erased.events == 0)
        #expect(s.d.reads == 1)
        #expect(s.d.core.chat.conversation(s.open) != nil)
    }

    @Test("STORE-8: a list of archived conversations the store cannot read is STORE_UNAVAILABLE, and nothing is erased")
    func failedRead() throws {
        var s = try Self.setup(keepsArchive: false)
        s.d.failsReads = true
        guard case .error(let error)? = s.d.command({ .eraseVisitor(.init(rid: $0, visitor: s.user)) }, on: s.supervisor) else {
            Issue.record("answered"); return
        }
        #expect(error.code == UInt64(ErrorCode.storeUnavailable.rawValue))
        #expect(error.requirement == "STORE-8")
        #expect(error.retryAfterMs != nil)
        #expect(s.d.core.chat.conversation(s.open) != nil)
        #expect(s.d.store.records[s.old] != nil)
    }
}
