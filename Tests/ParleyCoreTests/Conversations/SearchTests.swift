import ParleyCore
import ParleyWire
import Testing

/// Staff search over transcripts in a core that keeps its archive (no store): a scan of memory
/// (CONV-36).
@Suite struct SearchTests {
    /// Teams `sales` and `billing`, an agent of each, a supervisor of sales and a bot of both.
    static func harness(searchPageMax: Int = 50) -> CoreHarness {
        var configuration = LiveChatConfiguration()
        configuration.queuePositionIntervalMs = 0
        configuration.answerTimeoutMs = 0
        configuration.inactivityTimeoutMs = 0
        configuration.reopenWindowMs = 10_000
        configuration.searchPageMax = searchPageMax
        var harness = CoreHarness(configuration: configuration)
        harness.team("sales", limit: 10)
        harness.team("billing", limit: 10)
        harness.agent("a1", teams: ["sales"], accepting: true)
        harness.agent("b1", teams: ["billing"], accepting: true)
        harness.agent("s1", role: .supervisor, teams: ["sales"])
        harness.agent("bot", role: .bot, teams: ["sales", "billing"])
        return harness
    }

    /// The page `user` gets for `text` (`nil` when refused).
    static func search(
        _ h: CoreHarness, _ text: String, as user: String, before: Wire.SearchPosition? = nil, limit: Int? = nil
    ) -> SearchPage? {
        guard case .success(.search(let page)) = h.core.search(text, before: before, limit: limit, from: h.identity(user)).result else {
            return nil
        }
        return page
    }

    /// The code `user`'s search for `text` is refused with (`nil` when answered).
    static func refusal(_ h: CoreHarness, _ text: String, as user: String, limit: Int? = nil) -> ErrorCode? {
        guard case .failure(let error) = h.core.search(text, limit: limit, from: h.identity(user)).result else { return nil }
        return error.code
    }

    /// The texts of the events `user` finds for `text`, newest first.
    static func texts(_ h: CoreHarness, _ text: String, as user: String) -> [String] {
        guard let page = search(h, text, as: user) else { return ["refused"] }
        return page.events.compactMap(\.text)
    }

    @Test("CONV-36: every word must be in the text as a whole word, ignoring case; newest first")
    func wholeWordsIgnoringCase() {
        var h = Self.harness()
        let id = h.create("v1", team: "sales", text: "My ORDER #42 is late")
        h.now = h.now.adding(milliseconds: 10)
        h.run("a1") { $0.send(id, text: "Sorry about order 42!", from: $1, now: $2) }
        h.now = h.now.adding(milliseconds: 10)
        h.run("v1") { $0.send(id, text: "orders 4242 and ordering", from: $1, now: $2) }
        h.now = h.now.adding(milliseconds: 10)
        h.run("v1") { $0.send(id, text: "the order is 42 days late", from: $1, now: $2) }

        #expect(Self.texts(h, "order 42", as: "a1") == ["the order is 42 days late", "Sorry about order 42!", "My ORDER #42 is late"])
        #expect(Self.texts(h, "42 ORDER", as: "a1") == Self.texts(h, "order 42", as: "a1"), "word order and case do not matter")
        #expect(Self.texts(h, "late order", as: "a1") == ["the order is 42 days late", "My ORDER #42 is late"], "every word (AND)")
        #expect(Self.texts(h, "orde", as: "a1").isEmpty, "no prefixes")
        #expect(Self.texts(h, "4242", as: "a1") == ["orders 4242 and ordering"])
        #expect(Self.texts(h, "order late refund", as: "a1").isEmpty)
    }

    @Test("CONV-36, CONV-30: only conversations of the searcher's teams, whoever of the staff searches; notes included, other events never")
    func teamsAndKinds() {
        var h = Self.harness()
        let sales = h.create("v1", team: "sales", text: "parcel lost")
        _ = h.create("v2", team: "billing", text: "parcel invoice")
        h.run("a1") { $0.note(sales, text: "parcel was insured", from: $1, now: $2) }
        h.run("a1") { $0.setProperties(sales, [Wire.Property(key: "topic", value: "parcel")], from: $1, now: $2) }
        h.run("a1") { $0.transfer(sales, toAgent: "b1", toTeam: nil, note: nil, from: $1, now: $2) }
        #expect(h.core.conversation(sales)?.agent == "b1")

        guard let page = Self.search(h, "parcel", as: "a1") else { Issue.record("refused"); return }
        #expect(Set(page.events.map(\.conversation)) == [sales], "sales only, not billing")
        #expect(Set(page.events.map(\.kind)) == [.message, .note], "the note is found; the properties event is not")
        #expect(Self.texts(h, "parcel", as: "b1") == ["parcel invoice"], "being assigned a conversation of another team does not add it")
        #expect(Self.texts(h, "parcel", as: "s1").count == 2, "a supervisor searches their teams")
        #expect(Set(Self.texts(h, "parcel", as: "bot")) == ["parcel lost", "parcel was insured", "parcel invoice"])
    }

    @Test("CONV-36, CONV-34: ended and archived conversations are searched too")
    func endedAndArchived() {
        var h = Self.harness()
        let id = h.create("v1", team: "sales", text: "broken zipper")
        h.run("a1") { $0.close(id, from: $1, now: $2) }
        #expect(Self.texts(h, "zipper", as: "a1") == ["broken zipper"])
        h.advance(to: h.now.adding(milliseconds: 20_000))
        #expect(h.core.conversationsInMemory == 0, "archived")
        #expect(Self.texts(h, "zipper", as: "a1") == ["broken zipper"])
    }

    @Test("CONV-36: pages follow each other without overlap or gap, ties broken by conversation and cseq; next is absent at the end")
    func paging() {
        var h = Self.harness()
        // Three conversations, messages at the same few instants: ties are the usual case.
        let ids = (1...3).map { h.create("v\($0)", team: "sales", text: "refund \($0)") }
        for round in 1...3 {
            h.now = h.now.adding(milliseconds: UInt64(round % 2))
            for id in ids { h.run("a1") { $0.send(id, text: "refund round \(round)", from: $1, now: $2) } }
        }
        guard let all = Self.search(h, "refund", as: "a1") else { Issue.record("refused"); return }
        #expect(all.events.count == 12)
        #expect(all.next == nil)
        let positions = all.events.map(Wire.SearchPosition.init)
        #expect(positions == positions.sorted(by: >), "newest first by (time, conversation, cseq)")

        var paged: [ChatEvent] = []
        var before: Wire.SearchPosition?
        var pages = 0
        repeat {
            guard let page = Self.search(h, "refund", as: "a1", before: before, limit: 5) else { Issue.record("refused"); return }
            #expect(page.events.count <= 5)
            paged += page.events
            before = page.next
            pages += 1
            if let next = page.next { #expect(next == Wire.SearchPosition(page.events.last!)) }
        } while before != nil && pages < 10
        #expect(pages == 3)
        #expect(paged == all.events, "the pages together are the whole result, in order")
    }

    @Test("CONV-36: a full last page has no next when nothing more matches")
    func exactPage() {
        var h = Self.harness()
        _ = h.create("v1", team: "sales", text: "gift card")
        _ = h.create("v2", team: "sales", text: "gift card")
        guard let page = Self.search(h, "gift", as: "a1", limit: 2) else { Issue.record("refused"); return }
        #expect(page.events.count == 2)
        #expect(page.next == nil)
        guard let first = Self.search(h, "gift", as: "a1", limit: 1) else { Issue.record("refused"); return }
        #expect(first.next != nil)
    }

    @Test("CONV-36, CONV-30: a visitor may not search")
    func visitorForbidden() {
        var h = Self.harness()
        _ = h.create("v1", team: "sales", text: "hello")
        #expect(Self.refusal(h, "hello", as: "v1") == .forbidden)
        #expect(Self.refusal(h, "", as: "v1") == .forbidden, "whatever the query")
    }

    @Test("CONV-36: no word, too many words, a word too long or a limit of 0 is INVALID_ARGUMENT; a limit above the page maximum is capped")
    func invalidQueries() {
        var h = Self.harness(searchPageMax: 3)
        for n in 1...5 { _ = h.create("v\(n)", team: "sales", text: "coupon") }
        #expect(Self.refusal(h, "", as: "a1") == .invalidArgument)
        #expect(Self.refusal(h, " ?! -- ", as: "a1") == .invalidArgument, "punctuation holds no word")
        #expect(Self.refusal(h, "a b c d e f g h i", as: "a1") == .invalidArgument, "9 words")
        #expect(Self.refusal(h, String(repeating: "é", count: 33), as: "a1") == .invalidArgument, "66 bytes in 33 letters")
        #expect(Self.refusal(h, "coupon", as: "a1", limit: 0) == .invalidArgument)
        guard let eight = Self.search(h, "a b c d e f g " + String(repeating: "x", count: 64), as: "a1") else {
            Issue.record("8 words of at most 64 bytes refused"); return
        }
        #expect(eight.events.isEmpty)
        guard let capped = Self.search(h, "coupon", as: "a1", limit: 100) else { Issue.record("refused"); return }
        #expect(capped.events.count == 3)
        guard let byDefault = Self.search(h, "coupon", as: "a1") else { Issue.record("refused"); return }
        #expect(byDefault.events.count == 3)
        #expect(byDefault.next != nil)
    }

    @Test("CONV-36: a search changes nothing and emits nothing")
    func readOnly() {
        var h = Self.harness()
        _ = h.create("v1", team: "sales", text: "hello")
        let outcome = h.core.search("hello", from: h.identity("a1"))
        #expect(outcome.actions.isEmpty)
    }
}
