import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// Erasing a visitor's data (STORE-8) removes every conversation they created, from memory and
/// from the store, frees their agent, and leaves everyone else's alone.
@Suite struct ErasureTests {
    @Test("STORE-8: erasing a visitor removes their open and archived conversations everywhere and frees their agent")
    func erasesEverywhere() throws {
        var chat = LiveChatConfiguration()
        chat.keepsArchive = false
        chat.reopenWindowMs = 1_000
        var d = CoreDriver(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"], chat: chat))
        let agent = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting, maxConcurrent: 1)) }, on: agent)
        let (old, visitor, welcome) = try RestartTests.create(&d, text: "my old order")
        _ = d.command({ .close(.init(rid: $0, conversation: old)) }, on: agent)
        d.advance(by: 2_000)
        #expect(d.store.archived.contains(old))
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "my address is 1 Main St", clientMessageId: "p2")) }, on: visitor),
              let open = ok.conversation else { Issue.record("no conversation"); return }
        #expect(d.core.chat.conversation(open)?.agent == "ana")
        let (other, _, _) = try RestartTests.create(&d, text: "someone else")
        #expect(d.core.chat.conversation(other)?.wireState == .queued, "ana is at her limit")

        let held = UInt64(d.store.events[open]?.count ?? 0)
        let (erasure, outputs) = d.core.eraseVisitor(welcome.identity.user, now: d.now)
        d.perform(outputs)
        #expect(erasure.conversations == [open], "memory held only the open one")
        #expect(erasure.events == held && held > 0)
        #expect(d.core.chat.conversation(open) == nil)
        #expect(d.core.chat.conversation(other)?.agent == "ana", "her capacity went to the next waiting conversation")
        #expect(d.store.records[open] == nil && d.store.records[old] == nil, "the store erased the archived one too")
        #expect(d.store.events[open] == nil && d.store.events[old] == nil)
        #expect(d.store.records[other] != nil)
        guard case .conversations(let list)? = d.command({ .list(.init(rid: $0)) }, on: visitor) else { Issue.record("no list"); return }
        #expect(list.conversations.isEmpty)
    }

    @Test("STORE-8: ParleyServer counts what only its store held; STORE-7: purging removes only old archived conversations")
    func serverErasesAndPurges() async throws {
        let store = MemoryStore()
        var chat = LiveChatConfiguration()
        chat.reopenWindowMs = 1
        let now = Instant(milliseconds: 1_800_000_000_000)
        let server = ParleyServer(
            configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"], chat: chat), store: store, clock: { now })
        var core = LiveChatCore(store: InMemoryConversationStore(), configuration: chat)
        _ = core.addTeam("support", defaultMaxConcurrent: 3, now: now)
        let visitor = ChatIdentity(user: "v1", role: .visitor)
        var changes: [DurableChange] = []
        for (index, day) in [40, 10].enumerated() {
            let start = Instant(milliseconds: now.rawValue - UInt64(day) * 86_400_000)
            let created = core.create(team: "support", text: "order \(index)", from: visitor, now: start)
            guard case .success(.ok(let id?, _)) = created.result else { Issue.record("not created"); return }
            let closed = core.close(id, from: ChatIdentity(user: "ana", role: .supervisor, teams: ["support"]), now: start.adding(milliseconds: 5))
            let archived = core.timerFired(LiveChatTimer(deadline: start.adding(milliseconds: 10), kind: .archive(conversation: id)), now: start.adding(milliseconds: 10))
            for action in created.actions + closed.actions + archived { if case .persist(let change) = action { changes.append(change) } }
        }
        try await store.write(changes)
        #expect(store.contents.archived.count == 2)
        #expect(try await server.purgeArchive(olderThanDays: 30) == 1)
        #expect(store.contents.archived.count == 1)
        let erasure = try await server.eraseVisitor("v1")
        #expect(erasure.conversations.count == 1)
        #expect(erasure.events > 0)
    }
}
