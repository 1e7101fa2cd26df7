import MetricsTestKit
import ParleyClient
import ParleyClock
import ParleyCore
import ParleyServer
import ParleyWire
import Synchronization
import Testing

/// An embedding application's own asynchronous store plugged into ``ParleyServer``
/// (Spec/durability.md): a slow one, whose writes the server groups, and one that fails every
/// tenth write, whose clients are told and lose nothing.
@Suite struct StoreSeamTests {
    struct StoreDown: Error {}

    /// The library's ``MemoryStore`` behind a slow, failing connection: each call takes
    /// `delayMs`, every `failEvery`-th write fails (0: never). Events are keyed by conversation
    /// and cseq, so a write repeated after a failure changes nothing (STORE-4).
    final class ShopStore: DurableStore {
        struct Contents {
            var calls = 0
            var written = 0
            var reads = 0
            var searches = 0
        }
        let memory = MemoryStore()
        let contents = Mutex(Contents())
        let delayMs: Int
        let failEvery: Int

        init(delayMs: Int, failEvery: Int = 0) {
            self.delayMs = delayMs
            self.failEvery = failEvery
        }

        func write(_ changes: [DurableChange]) async throws {
            try await Task.sleep(for: .milliseconds(delayMs))
            let fails = contents.withLock { contents in
                contents.calls += 1
                return failEvery > 0 && contents.calls % failEvery == 0
            }
            if fails { throw StoreDown() }
            try await memory.write(changes)
            contents.withLock { $0.written += 1 }
        }

        func load(_ query: ArchiveQuery) async throws -> ArchivedConversations {
            try await Task.sleep(for: .milliseconds(delayMs))
            contents.withLock { $0.reads += 1 }
            return try await memory.load(query)
        }

        func recover() async throws -> RecoveredState { try await memory.recover() }

        func purge(endedBefore cutoff: Instant) async throws -> Int { try await memory.purge(endedBefore: cutoff) }

        func search(_ query: TranscriptQuery) async throws -> [ChatEvent] {
            try await Task.sleep(for: .milliseconds(delayMs))
            contents.withLock { $0.searches += 1 }
            return try await memory.search(query)
        }

        /// Whether the event `cseq` of `conversation` is written.
        func holds(_ conversation: String, _ cseq: UInt64) -> Bool { memory.contents.holds(conversation, cseq: cseq) }

        /// The events written for `conversation`, by cseq.
        func events(of conversation: String) -> [UInt64: ChatEvent] { memory.contents.events[conversation] ?? [:] }
    }

    static func server(_ store: ShopStore, metrics: TestMetrics = TestMetrics(), reopenWindowMs: UInt64 = 15 * 60_000) -> ParleyServer {
        var chat = LiveChatConfiguration()
        chat.reopenWindowMs = reopenWindowMs
        var session = SessionConfiguration()
        session.handshakeTimeoutMs = 120_000  // the cooperative pool can be busy under a full `swift test`
        session.inProgressRetryAfterMs = 20
        session.messageRate = 1_000
        session.messageBurst = 1_000
        return ParleyServer(
            configuration: ServerConfiguration(
                key: Array("store seam test key, 32 bytes!!".utf8), teams: ["support"], session: session, chat: chat),
            store: store, metrics: metrics)
    }

    /// The conversation and cseq an `ok` names, checked written at the moment the client got it.
    static func written(_ result: Message, in store: ShopStore) -> (conversation: String, cseq: UInt64)? {
        guard case .ok(let ok) = result, let conversation = ok.conversation, let cseq = ok.cseq else { return nil }
        #expect(store.holds(conversation, cseq), "STORE-1: ok for \(conversation)#\(cseq) before the store had it")
        return (conversation, cseq)
    }

    @Test("STORE-1, STORE-2: with a store taking 20 ms a write, every ok names what is written; five visitors at once share writes")
    func slowStore() async throws {
        let store = ShopStore(delayMs: 20)
        let server = Self.server(store)
        let sent = 10
        let conversations = try await withThrowingTaskGroup(of: String.self) { group in
            for visitor in 0..<5 {
                group.addTask {
                    let client = ParleyClient(server: server, auth: Wire.Auth(scheme: "anonymous"))
                    try await client.connect()
                    defer { client.close() }
                    let created = try await client.request(.create(Wire.Create(rid: 0, text: "hello", clientMessageId: "v\(visitor)-0")))
                    let conversation = try #require(Self.written(created, in: store)?.conversation)
                    for index in 1...sent {
                        let ok = try await client.request(.send(Wire.Send(
                            rid: 0, conversation: conversation, clientMessageId: "v\(visitor)-\(index)", text: "message \(index)")))
                        #expect(Self.written(ok, in: store) != nil, "\(ok)")
                    }
                    return conversation
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let contents = store.contents.withLock { $0 }
        for conversation in conversations {
            let cseqs = store.events(of: conversation).keys.sorted()
            #expect(cseqs == Array(1...UInt64(cseqs.count)) && cseqs.count >= sent + 1, "\(conversation): \(cseqs)")
        }
        let batches = conversations.count * (sent + 1)
        #expect(contents.written < batches, "group commit: \(contents.written) writes for at least \(batches) batches")
    }

    @Test("STORE-3, STORE-4: a store failing every tenth write: the client is told STORE_UNAVAILABLE, re-sends, and every message is written once")
    func failingStore() async throws {
        let store = ShopStore(delayMs: 1, failEvery: 10)
        let metrics = TestMetrics()
        let server = Self.server(store, metrics: metrics)
        let client = ParleyClient(server: server, auth: Wire.Auth(scheme: "anonymous"))
        try await client.connect()
        defer { client.close() }
        var unavailable = 0
        /// Sends `command` until it is answered with something other than STORE_UNAVAILABLE.
        func untilWritten(_ command: Message) async throws -> Message {
            for _ in 0..<50 {
                let result = try await client.request(command)
                guard case .error(let error) = result, error.code == UInt64(ErrorCode.storeUnavailable.rawValue) else { return result }
                unavailable += 1
                try await Task.sleep(for: .milliseconds(Int(error.retryAfterMs ?? 20)))
            }
            throw StoreDown()
        }
        let created = try await untilWritten(.create(Wire.Create(rid: 0, text: "hello", clientMessageId: "m0")))
        let conversation = try #require(Self.written(created, in: store)?.conversation)
        for index in 1...30 {
            let ok = try await untilWritten(.send(Wire.Send(rid: 0, conversation: conversation, clientMessageId: "m\(index)", text: "message \(index)")))
            #expect(Self.written(ok, in: store) != nil, "\(ok)")
        }
        #expect(unavailable >= 1, "every tenth write failed, and the client waiting for it was told")
        let events = store.events(of: conversation)
        let ids = events.values.filter { $0.kind == .message }.compactMap(\.clientMessageId)
        #expect(ids.count == 31 && Set(ids).count == 31, "every message written exactly once: \(ids.sorted())")
        #expect(events.keys.sorted() == Array(1...UInt64(events.count)), "no gap in what is written")
        // What an operator sees (Spec/metrics.md): every call counted by outcome, every batch once.
        let calls = store.contents.withLock { ($0.calls, $0.written) }
        #expect(metrics.counterTotal(label: "parley_store_writes_total", dimensions: [("outcome", "failed")]) == calls.0 - calls.1)
        #expect(metrics.counterTotal(label: "parley_store_writes_total", dimensions: [("outcome", "written")]) == calls.1)
        #expect(metrics.counterTotal(label: "parley_store_batches_total") >= 31)
    }

    @Test("STORE-5: an ended conversation leaves the server's memory after its reopen window; history and list read it back from the store")
    func archiveReadBack() async throws {
        let store = ShopStore(delayMs: 1)
        let server = Self.server(store, reopenWindowMs: 200)
        let client = ParleyClient(server: server, auth: Wire.Auth(scheme: "anonymous"))
        try await client.connect()
        defer { client.close() }
        let created = try await client.request(.create(Wire.Create(rid: 0, text: "my parcel", clientMessageId: "m1")))
        let conversation = try #require(Self.written(created, in: store)?.conversation)
        #expect(try await client.request(.close(Wire.Close(rid: 0, conversation: conversation))).name == "ok")
        for _ in 0..<100 where !store.memory.contents.archived.contains(conversation) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(store.memory.contents.archived.contains(conversation), "archived once the reopen window passed")
        guard case .historyPage(let page) = try await client.request(.history(Wire.History(rid: 0, conversation: conversation))) else {
            Issue.record("no history"); return
        }
        #expect(page.events.compactMap(\.text) == ["my parcel"])
        guard case .conversations(let list) = try await client.request(.list(Wire.List(rid: 0))) else { Issue.record("no list"); return }
        #expect(list.conversations.map(\.id) == [conversation] && list.conversations.first?.state == .closed)
        #expect(store.contents.withLock { $0.reads } == 2, "both answered from the store")
    }

    @Test("STORE-9: with a store, a staff search is answered by the store's search, open and archived conversations alike")
    func searchReadsTheStore() async throws {
        let store = ShopStore(delayMs: 1)
        let server = Self.server(store, reopenWindowMs: 200)
        let visitor = ParleyClient(server: server, auth: Wire.Auth(scheme: "anonymous"))
        try await visitor.connect()
        defer { visitor.close() }
        let first = try await visitor.request(.create(Wire.Create(rid: 0, text: "the wombat is late", clientMessageId: "m1")))
        let archived = try #require(Self.written(first, in: store)?.conversation)
        #expect(try await visitor.request(.close(Wire.Close(rid: 0, conversation: archived))).name == "ok")
        for _ in 0..<100 where !store.memory.contents.archived.contains(archived) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(store.memory.contents.archived.contains(archived), "archived once the reopen window passed")
        let second = try await visitor.request(.create(Wire.Create(rid: 0, text: "another wombat", clientMessageId: "m2")))
        let open = try #require(Self.written(second, in: store)?.conversation)

        let token = try #require(server.mintToken(TokenClaims(
            user: "ana", role: .agent, teams: ["support"], expiresAt: WallClock.now().adding(milliseconds: 3_600_000))))
        let agent = ParleyClient(server: server, auth: Wire.Auth(scheme: "token", credential: token))
        try await agent.connect()
        defer { agent.close() }
        guard case .searchResult(let result) = try await agent.request(.search(Wire.Search(rid: 0, text: "Wombat"))) else {
            Issue.record("no search result"); return
        }
        #expect(result.events.map(\.conversation) == [open, archived], "newest first")
        #expect(store.contents.withLock { $0.searches } == 1)
        guard case .error(let refused) = try await visitor.request(.search(Wire.Search(rid: 0, text: "wombat"))) else {
            Issue.record("a visitor's search answered"); return
        }
        #expect(refused.code == UInt64(ErrorCode.forbidden.rawValue))
        #expect(store.contents.withLock { $0.searches } == 1, "refused without asking the store")
    }
}
