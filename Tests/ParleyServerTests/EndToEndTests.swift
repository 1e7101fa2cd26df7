import ParleyClient
import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// A visitor and two agents through a full conversation over real loopback sockets: agents on
/// TCP, the visitor on WebSocket (JSON and binary), with a dropped connection in the middle.
@Suite(.serialized) struct EndToEndTests {
    @Test("full live chat over TCP and WebSocket (or in-process), with a reconnect that loses nothing",
          arguments: ["ws-json", "ws-binary", "in-process"])
    func fullConversation(visitorTransport: String) async throws {
        let live = try await LiveServer.start()
        defer { Task { try? await live.stop() } }
        let ana = ParleyClient(endpoint: live.tcp, auth: Wire.Auth(scheme: "token", credential: live.agentToken("ana")))
        let bo = ParleyClient(endpoint: live.tcp, auth: Wire.Auth(scheme: "token", credential: live.agentToken("bo")))
        let visitor = switch visitorTransport {
        case "ws-json": ParleyClient(endpoint: live.webSocketJSON, auth: Wire.Auth(scheme: "anonymous"))
        case "ws-binary": ParleyClient(endpoint: live.webSocketBinary, auth: Wire.Auth(scheme: "anonymous"))
        default: ParleyClient(server: live.server, auth: Wire.Auth(scheme: "anonymous"))
        }
        try await ana.connect()
        try await bo.connect()
        #expect(try await ana.request(.agentStatus(.init(rid: 0, routing: .accepting))).name == "ok")
        #expect(try await ana.request(.subscribe(.init(rid: 0, topic: "presence:visitors"))).name == "ok")
        try await visitor.connect()
        var anaNotes = ana.notifications.makeAsyncIterator()
        var boNotes = bo.notifications.makeAsyncIterator()
        var visitorNotes = visitor.notifications.makeAsyncIterator()

        // Presence: ana sees the visitor arrive.
        #expect(await next(&anaNotes) { if case .ephemeral(.presence(let p)) = $0 { p.role == .visitor } else { false } } != nil)

        // Queue → assignment to the only accepting agent.
        guard case .ok(let created) = try await visitor.request(.create(.init(rid: 0, text: "Where is my parcel?", clientMessageId: "v1"))),
            let conversation = created.conversation
        else { Issue.record("create failed"); return }
        #expect(await next(&anaNotes) { if case .event(let m) = $0 { m.conversationEvent?.kind == .assigned } else { false } } != nil)

        // Typing reaches the visitor.
        ana.signal(.typing(.init(conversation: conversation, typing: true)))
        #expect(await next(&visitorNotes) { if case .ephemeral(.typers(let t)) = $0 { t.typers.map(\.user) == ["ana"] } else { false } } != nil)

        // A message, then the visitor's connection drops; two more messages while it is away.
        #expect(try await ana.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "a1", text: "Checking…"))).name == "ok")
        #expect(await next(&visitorNotes) { if case .event(let m) = $0 { m.conversationEvent?.text == "Checking…" } else { false } } != nil)
        visitor.dropConnection()
        #expect(try await ana.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "a2", text: "Found it"))).name == "ok")
        #expect(try await ana.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "a3", text: "Tomorrow"))).name == "ok")
        try await visitor.connect()
        var texts: [String] = []
        while texts.count < 2, let note = await next(&visitorNotes, where: { if case .event(let m) = $0 { m.conversationEvent?.kind == .message } else { false } }) {
            if case .event(let m) = note { texts.append(m.conversationEvent?.text ?? "") }
        }
        #expect(texts == ["Found it", "Tomorrow"], "SESSION-14: exactly what was missed, in order, once")

        // Transfer to bo, close by bo, rating by the visitor.
        #expect(try await bo.request(.agentStatus(.init(rid: 0, routing: .accepting))).name == "ok")
        #expect(try await ana.request(.transfer(.init(rid: 0, conversation: conversation, agent: "bo"))).name == "ok")
        #expect(await next(&boNotes) { if case .event(let m) = $0 { m.conversationEvent?.kind == .assigned || m.conversationEvent?.kind == .transferred } else { false } } != nil)
        #expect(try await bo.request(.close(.init(rid: 0, conversation: conversation))).name == "ok")
        #expect(await next(&visitorNotes) { if case .event(let m) = $0 { m.conversationEvent?.kind == .closed } else { false } } != nil)
        #expect(try await visitor.request(.rate(.init(rid: 0, conversation: conversation, score: 5))).name == "ok")
        guard case .transcriptResult(let transcript) = try await bo.request(.transcript(.init(rid: 0, conversation: conversation))) else {
            Issue.record("no transcript"); return
        }
        #expect(transcript.metrics.transfers == 1)
        #expect(transcript.events.filter { $0.kind == .message }.count == 4)
        for client in [ana, bo, visitor] { client.close() }
    }
}

extension Message {
    /// The conversation event carried, if this is an `event`.
    var conversationEvent: Wire.ConversationEvent? {
        if case .event(let e) = self { e.event } else { nil }
    }
}
