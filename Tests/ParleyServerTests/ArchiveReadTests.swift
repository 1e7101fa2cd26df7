import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// With no archive kept in memory (a durable store configured), an ended conversation leaves
/// memory when its reopen window passes, and every command that needs it reads it back from
/// the store first, with the answers it had in memory (CONV-34, STORE-5).
@Suite struct ArchiveReadTests {
    /// A driver whose store keeps the archive, with a conversation between a visitor and an
    /// agent, ended and archived.
    static func archived() throws -> (CoreDriver, agent: ConnectionID, visitor: ConnectionID, conversation: String) {
        var chat = LiveChatConfiguration()
        chat.keepsArchive = false
        chat.reopenWindowMs = 1_000
        var d = CoreDriver(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"], chat: chat))
        let agent = d.connectAgent("ana")
        _ = d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)
        let visitor = d.connect(Wire.Auth(scheme: "anonymous")).0
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "my order is late", clientMessageId: "v1")) }, on: visitor),
              let conversation = ok.conversation else { throw Failure.noConversation }
        _ = d.command({ .send(.init(rid: $0, conversation: conversation, clientMessageId: "a1", text: "on its way")) }, on: agent)
        _ = d.command({ .note(.init(rid: $0, conversation: conversation, clientMessageId: "n1", text: "refund if late again")) }, on: agent)
        _ = d.command({ .close(.init(rid: $0, conversation: conversation)) }, on: agent)
        d.advance(by: 2_000)
        _ = d.take(visitor)
        _ = d.take(agent)
        return (d, agent, visitor, conversation)
    }

    enum Failure: Error { case noConversation }

    @Test("CONV-34: an archived conversation leaves memory entirely; the store holds it")
    func leavesMemory() throws {
        let (d, _, _, conversation) = try Self.archived()
        #expect(d.core.chat.conversationsInMemory == 0)
        #expect(d.core.chat.conversation(conversation) == nil)
        #expect(d.core.chat.store.events(of: conversation, in: 1...100).isEmpty)
        #expect(d.store.archived.contains(conversation))
        #expect(d.reads == 0)
    }

    @Test("STORE-5: history, list and transcript of an archived conversation are read back from the store, as from memory")
    func readsBack() throws {
        var (d, agent, visitor, conversation) = try Self.archived()
        guard case .historyPage(let page)? = d.command({ .history(.init(rid: $0, conversation: conversation)) }, on: visitor) else {
            Issue.record("no history"); return
        }
        #expect(page.events.compactMap(\.text) == ["my order is late", "on its way"], "the visitor's view, without the note")
        guard case .conversations(let list)? = d.command({ .list(.init(rid: $0)) }, on: visitor) else { Issue.record("no list"); return }
        #expect(list.conversations.map(\.id) == [conversation])
        #expect(list.conversations.first?.state == .closed)
        guard case .transcriptResult(let transcript)? = d.command({ .transcript(.init(rid: $0, conversation: conversation)) }, on: agent) else {
            Issue.record("no transcript"); return
        }
        #expect(transcript.events.contains { $0.kind == .note })
        guard case .conversations(let closed)? = d.command({ .list(.init(rid: $0, state: .closed)) }, on: agent) else {
            Issue.record("no staff list"); return
        }
        #expect(closed.conversations.map(\.id) == [conversation])
        #expect(d.reads == 4)
        #expect(d.core.chat.conversationsInMemory == 0 && d.core.chat.conversation(conversation) == nil, "read back, then forgotten")
    }

    @Test("CONV-34, CONV-9: changes to an archived conversation are refused as they were from memory; an unknown id is not found")
    func refusals() throws {
        var (d, _, visitor, conversation) = try Self.archived()
        guard case .error(let reopen)? = d.command({ .reopen(.init(rid: $0, conversation: conversation)) }, on: visitor) else {
            Issue.record("reopen not refused"); return
        }
        #expect(reopen.code == UInt64(ErrorCode.reopenWindowExpired.rawValue))
        guard case .error(let send)? = d.command({ .send(.init(rid: $0, conversation: conversation, clientMessageId: "v2", text: "hello?")) }, on: visitor) else {
            Issue.record("send not refused"); return
        }
        #expect(send.code != UInt64(ErrorCode.conversationNotFound.rawValue), "the visitor's own conversation exists")
        guard case .error(let unknown)? = d.command({ .history(.init(rid: $0, conversation: "c999")) }, on: visitor) else {
            Issue.record("unknown conversation answered"); return
        }
        #expect(unknown.code == UInt64(ErrorCode.conversationNotFound.rawValue))
        let other = d.connect(Wire.Auth(scheme: "anonymous")).0
        guard case .error(let foreign)? = d.command({ .history(.init(rid: $0, conversation: conversation)) }, on: other) else {
            Issue.record("another visitor read it"); return
        }
        #expect(foreign.code == UInt64(ErrorCode.conversationNotFound.rawValue), "CONV-30: another visitor's is not found")
    }

    @Test("STORE-5: a read the store cannot answer is STORE_UNAVAILABLE; the next one succeeds")
    func failedRead() throws {
        var (d, _, visitor, conversation) = try Self.archived()
        d.failsReads = true
        guard case .error(let error)? = d.command({ .history(.init(rid: $0, conversation: conversation)) }, on: visitor) else {
            Issue.record("no error"); return
        }
        #expect(error.code == UInt64(ErrorCode.storeUnavailable.rawValue) && error.retryAfterMs != nil)
        d.failsReads = false
        #expect(d.command({ .history(.init(rid: $0, conversation: conversation)) }, on: visitor)?.name == "historyPage")
    }
}
