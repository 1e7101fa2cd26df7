import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// Staff `search` through the server (CONV-36): with a store (no archive in memory) the command
/// waits while the store searches and is answered as memory would have answered it (STORE-9);
/// pages fit the client's frame (FRAME-6).
@Suite struct SearchTests {
    /// A server with (`keepsArchive` false) or without a store: an agent of `support`, one
    /// conversation ended and archived ("my order is late", "on its way", a note "refund if
    /// late again"), and one open ("another late order").
    static func driver(keepsArchive: Bool, agentFrame: UInt64? = nil) throws -> (CoreDriver, agent: ConnectionID, visitor: ConnectionID) {
        var chat = LiveChatConfiguration()
        chat.keepsArchive = keepsArchive
        chat.reopenWindowMs = 1_000
        var d = CoreDriver(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"], chat: chat))
        let agent = d.connectAgent("ana", maxFrame: agentFrame)
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)
        let visitor = d.connect(Wire.Auth(scheme: "anonymous")).0
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "my order is late", clientMessageId: "v1")) }, on: visitor),
              let conversation = ok.conversation else { throw Failure.setup }
        _ = d.command({ .send(.init(rid: $0, conversation: conversation, clientMessageId: "a1", text: "on its way")) }, on: agent)
        _ = d.command({ .note(.init(rid: $0, conversation: conversation, clientMessageId: "n1", text: "refund if late again")) }, on: agent)
        _ = d.command({ .close(.init(rid: $0, conversation: conversation)) }, on: agent)
        d.advance(by: 2_000)
        let other = d.connect(Wire.Auth(scheme: "anonymous")).0
        guard case .ok? = d.command({ .create(.init(rid: $0, text: "another late order", clientMessageId: "w1")) }, on: other) else {
            throw Failure.setup
        }
        _ = d.take(visitor)
        _ = d.take(agent)
        return (d, agent, visitor)
    }

    enum Failure: Error { case setup }

    @Test("STORE-9: with a store, a search reads the store — archived and open conversations, notes included — and nothing comes back into memory")
    func readsTheStore() throws {
        var (d, agent, _) = try Self.driver(keepsArchive: false)
        #expect(d.core.chat.conversationsInMemory == 1, "the first conversation is archived, in the store only")
        guard case .searchResult(let result)? = d.command({ .search(.init(rid: $0, text: "LATE")) }, on: agent) else {
            Issue.record("no search result"); return
        }
        #expect(result.events.compactMap(\.text) == ["another late order", "refund if late again", "my order is late"])
        #expect(result.next == nil)
        #expect(d.reads == 1)
        #expect(d.core.chat.conversationsInMemory == 1)
    }

    @Test("STORE-9, CONV-36: the store's answer is the one memory gives, page by page")
    func sameAsMemory() throws {
        var (stored, storedAgent, _) = try Self.driver(keepsArchive: false)
        var memory = try Self.driver(keepsArchive: true)
        var before: Wire.SearchPosition?
        var pages = 0
        repeat {
            let ask: (UInt64) -> Message = { .search(.init(rid: $0, text: "late", before: before, limit: 1)) }
            guard case .searchResult(let fromStore)? = stored.command(ask, on: storedAgent),
                  case .searchResult(let fromMemory)? = memory.0.command(ask, on: memory.agent) else {
                Issue.record("no search result"); return
            }
            #expect(fromStore.events == fromMemory.events)
            #expect(fromStore.next == fromMemory.next)
            #expect(fromStore.events.count == 1)
            before = fromStore.next
            pages += 1
        } while before != nil && pages < 10
        #expect(pages == 3)
        #expect(stored.reads == 3)
        #expect(memory.0.reads == 0, "without a store nothing is read")
    }

    @Test("CONV-36: a visitor's search and an invalid query are refused without reading the store")
    func refusedWithoutReading() throws {
        var (d, agent, visitor) = try Self.driver(keepsArchive: false)
        guard case .error(let forbidden)? = d.command({ .search(.init(rid: $0, text: "late")) }, on: visitor) else {
            Issue.record("visitor answered"); return
        }
        #expect(forbidden.code == UInt64(ErrorCode.forbidden.rawValue))
        #expect(forbidden.requirement == "CONV-36")
        guard case .error(let empty)? = d.command({ .search(.init(rid: $0, text: "?!")) }, on: agent) else {
            Issue.record("empty query answered"); return
        }
        #expect(empty.code == UInt64(ErrorCode.invalidArgument.rawValue))
        #expect(empty.message.contains("no word"))
        #expect(d.reads == 0)
    }

    @Test("STORE-9: a search the store cannot answer is STORE_UNAVAILABLE with retryAfterMs")
    func failedRead() throws {
        var (d, agent, _) = try Self.driver(keepsArchive: false)
        d.failsReads = true
        guard case .error(let error)? = d.command({ .search(.init(rid: $0, text: "late")) }, on: agent) else {
            Issue.record("answered"); return
        }
        #expect(error.code == UInt64(ErrorCode.storeUnavailable.rawValue))
        #expect(error.requirement == "STORE-9")
        #expect(error.retryAfterMs != nil)
    }

    @Test("FRAME-6, CONV-36: a page too large for the client's frame keeps its first events, next naming the last one kept")
    func cutToTheFrame() throws {
        var configuration = ServerConfiguration(key: CoreDriver.key, teams: ["support"])
        configuration.session.messageBurst = 100
        var d = CoreDriver(configuration: configuration)
        let agent = d.connectAgent("ana", maxFrame: 4_096)
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)
        let visitor = d.connect(Wire.Auth(scheme: "anonymous")).0
        let text = "zipper " + String(repeating: "x", count: 600)
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: text, clientMessageId: "m0")) }, on: visitor),
              let id = ok.conversation else { throw Failure.setup }
        for n in 1..<20 {
            d.advance(by: 1)
            _ = d.command({ .send(.init(rid: $0, conversation: id, clientMessageId: "m\(n)", text: text)) }, on: visitor)
        }
        var seen: [UInt64] = []
        var before: Wire.SearchPosition?
        var pages = 0
        repeat {
            let reply = d.command({ .search(.init(rid: $0, text: "zipper", before: before)) }, on: agent)
            guard let reply, case .searchResult(let page) = reply else { Issue.record("no page: \(String(describing: reply))"); return }
            #expect(FrameLimitTests.size(reply) <= 4_096)
            #expect(!page.events.isEmpty)
            if let next = page.next { #expect(next.cseq == page.events.last?.cseq) }
            seen += page.events.map(\.cseq)
            before = page.next
            pages += 1
        } while before != nil && pages < 20
        #expect(pages > 1, "20 messages of 600 bytes do not fit one 4 KiB frame")
        #expect(seen.count == 20 && Set(seen).count == 20, "every message once")
        #expect(seen == seen.sorted(by: >), "newest first")
    }

    @Test("SESSION-37: the welcome announces searchPageMax")
    func announced() {
        var chat = LiveChatConfiguration()
        chat.searchPageMax = 7
        var d = CoreDriver(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"], chat: chat))
        let welcome = d.connect(Wire.Auth(scheme: "anonymous")).1
        #expect(welcome?.limits.searchPageMax == 7)
    }
}
