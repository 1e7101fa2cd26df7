import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The server never sends a frame larger than the client's `hello.maxFrame` (FRAME-6): history
/// pages are cut to what fits and paged on, results that cannot be cut are RESULT_TOO_LARGE.
@Suite struct FrameLimitTests {
    static let smallFrame: UInt64 = 4_096

    /// A conversation of `messages` 600-character messages between a visitor whose client
    /// accepts frames of `smallFrame` bytes and an agent with the default limit.
    static func conversation(messages: Int) throws -> (CoreDriver, visitor: ConnectionID, agent: ConnectionID, id: String) {
        var configuration = ServerConfiguration(key: CoreDriver.key, teams: ["support"])
        configuration.session.messageBurst = 100
        var d = CoreDriver(configuration: configuration)
        let agent = d.connectAgent("ana")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent).map(\.name) == "ok")
        let (visitor, _) = d.connect(Wire.Auth(scheme: "anonymous"), maxFrame: smallFrame)
        let text = String(repeating: "x", count: 600)
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: text, clientMessageId: "m0")) }, on: visitor),
            let id = ok.conversation
        else { throw Failure.setup }
        for n in 1..<messages {
            _ = d.command({ .send(.init(rid: $0, conversation: id, clientMessageId: "m\(n)", text: text)) }, on: visitor)
        }
        return (d, visitor, agent, id)
    }

    enum Failure: Error { case setup }

    static func size(_ message: Message) -> Int {
        var binary: [UInt8] = []
        message.encodeBinary(into: &binary)
        var json: [UInt8] = []
        message.encodeJSON(into: &json)
        return max(binary.count, json.count)
    }

    @Test func frame6_historyPagesFitTheClientsMaximumAndPageOnToEverything() throws {
        var (d, visitor, agent, id) = try Self.conversation(messages: 20)
        // The agent (64 KiB frames) gets the visible history in one page: the reference.
        guard case .historyPage(let whole)? = d.command({ .history(.init(rid: $0, conversation: id)) }, on: agent) else {
            Issue.record("no history for the agent"); return
        }
        #expect(!whole.hasMore)
        let everything = whole.events.filter { $0.kind != .note }.map(\.cseq)

        // The visitor pages backward in frames of at most 4 KiB, newest first.
        var seen: [UInt64] = []
        var anchor: UInt64?
        var pages = 0
        while pages < 50 {
            let reply = d.command({ .history(.init(rid: $0, conversation: id, anchor: anchor)) }, on: visitor)
            guard let reply, case .historyPage(let page) = reply else { Issue.record("expected a page: \(String(describing: reply))"); return }
            pages += 1
            #expect(Self.size(reply) <= Int(Self.smallFrame), "FRAME-6: page \(pages) fits the client's maxFrame")
            #expect(!page.events.isEmpty)
            seen = page.events.map(\.cseq) + seen
            guard page.hasMore, let first = page.events.first?.cseq else { break }
            anchor = first
        }
        #expect(pages > 1, "the page had to be cut")
        #expect(seen == everything, "paging on reaches every event, in order, once")
    }

    @Test func frame6_forwardPagesKeepTheOldestEvents() throws {
        var (d, visitor, _, id) = try Self.conversation(messages: 12)
        guard case .historyPage(let page)? = d.command({ .history(.init(rid: $0, conversation: id, anchor: 0, direction: .forward)) }, on: visitor)
        else { Issue.record("no page"); return }
        #expect(page.hasMore)
        #expect(page.events.first?.cseq == 1)
        #expect(Self.size(.historyPage(page)) <= Int(Self.smallFrame))
    }

    @Test func frame6_aResultThatCannotBeCutIsResultTooLarge() throws {
        var (d, _, _, id) = try Self.conversation(messages: 12)
        let supervisor = d.connectAgent("sue", maxFrame: Self.smallFrame)
        let reply = d.command({ .transcript(.init(rid: $0, conversation: id)) }, on: supervisor)
        guard case .error(let error)? = reply else { Issue.record("expected an error, got \(String(describing: reply))"); return }
        #expect(error.code == UInt64(ErrorCode.resultTooLarge.rawValue))
        #expect(d.closed[supervisor] == nil, "RESULT_TOO_LARGE is not fatal")
    }
}
