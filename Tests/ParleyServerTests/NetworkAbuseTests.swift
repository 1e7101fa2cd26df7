import ParleyClient
import ParleyCompression
import ParleyCore
import ParleyServer
import ParleyTestSupport
import ParleyWire
import Testing

/// Bad input over real sockets gets its spec error and disturbs nobody else (ERR-3, FRAME-5,
/// SESSION-3): garbage bytes, an oversized frame, a silent (slowloris) connection, a burst of
/// connections — while a healthy visitor and agent keep chatting.
@Suite(.serialized) struct NetworkAbuseTests {
    /// Collects what a raw connection receives until it closes (bounded).
    static func drain(_ connection: ClientConnection, seconds: Double = 10) async -> (messages: [Message], closed: Bool) {
        var messages: [Message] = []
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var iterator = connection.events.makeAsyncIterator()
        while ContinuousClock.now < deadline, let event = await iterator.next() {
            switch event {
            case .message(let m): messages.append(m)
            case .undecodable: break
            case .closed: return (messages, true)
            }
        }
        return (messages, false)
    }

    static func errorCodes(_ messages: [Message]) -> [ErrorCode] {
        messages.compactMap { if case .error(let e) = $0 { ErrorCode(rawValue: UInt32(e.code)) } else { nil } }
    }

    @Test("garbage, an oversized frame and a silent connection are closed with their codes; others are undisturbed")
    func abuseIsolated() async throws {
        var session = LiveServer.session
        session.handshakeTimeoutMs = 2_000  // short, yet long enough for the healthy pair on a loaded CI machine
        let live = try await LiveServer.start(session: session)
        defer { Task { try? await live.stop() } }

        // A healthy pair chatting throughout.
        let (agent, visitor, conversation) = try await live.chatPair()

        // Garbage: a frame of reserved type 0x01 with reserved flags set.
        let garbage = try await ClientConnection.connect(to: live.tcp)
        var rng = SeededRandom(seed: 7)
        garbage.sendRaw([0x01, 0xFE, 0x05] + (0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let garbageResult = await Self.drain(garbage)
        #expect(garbageResult.closed)
        #expect(Self.errorCodes(garbageResult.messages) == [.badFrameFlags])

        // An oversized frame is refused from its header alone (FRAME-5).
        let oversized = try await ClientConnection.connect(to: live.tcp)
        var header: [UInt8] = [0x01, 0x00]
        Varint.append(10_000_000, to: &header)
        oversized.sendRaw(header)
        let oversizedResult = await Self.drain(oversized)
        #expect(oversizedResult.closed)
        #expect(Self.errorCodes(oversizedResult.messages) == [.frameTooLarge])

        // Slowloris: connects and says nothing (SESSION-3).
        let silent = try await ClientConnection.connect(to: live.tcp)
        let silentResult = await Self.drain(silent)
        #expect(silentResult.closed)
        #expect(Self.errorCodes(silentResult.messages) == [.handshakeTimeout])

        // A burst of 200 connections that open and vanish.
        for _ in 0..<200 {
            let connection = try await ClientConnection.connect(to: live.tcp)
            connection.close()
        }
        // And WebSocket ones, whose handler tells the server of the close the same way.
        for endpoint in [live.webSocketJSON, live.webSocketBinary] {
            for _ in 0..<20 {
                let connection = try await ClientConnection.connect(to: endpoint)
                connection.close()
            }
        }

        // The healthy pair still works, and every abuser is gone from the server.
        #expect(try await visitor.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "v2", text: "still here?"))).name == "ok")
        #expect(try await agent.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "a1", text: "yes"))).name == "ok")
        var connections = live.server.connectionCount
        for _ in 0..<250 where connections != 2 {
            try await Task.sleep(for: .milliseconds(20))
            connections = live.server.connectionCount
        }
        #expect(connections == 2)
        agent.close()
        visitor.close()
    }
}

/// Per-frame compression on the byte stream (COMP-1…COMP-7) over real sockets.
@Suite(.serialized) struct StreamCompressionTests {
    @Test("large messages travel compressed both ways and decode; a bomb is refused with MESSAGE_TOO_LARGE")
    func compressedFrames() async throws {
        let live = try await LiveServer.start()
        defer { Task { try? await live.stop() } }
        let visitor = ParleyClient(endpoint: live.tcp, auth: Wire.Auth(scheme: "anonymous"))
        try await visitor.connect()
        let text = String(repeating: "Where is my order #12345? ", count: 200)  // ~5 KB, compressible
        guard case .ok(let ok) = try await visitor.request(.create(.init(rid: 0, text: String(text.prefix(4_000))))),
            let conversation = ok.conversation else { Issue.record("create failed"); return }
        guard case .historyPage(let page) = try await visitor.request(.history(.init(rid: 0, conversation: conversation))) else {
            Issue.record("no history"); return
        }
        #expect(page.events.contains { $0.text == String(text.prefix(4_000)) }, "the server's compressed history page inflates")

        // A raw connection sends a compressed frame after the welcome, then a bomb.
        let raw = try await ClientConnection.connect(to: live.tcp)
        raw.send(.hello(.init(rid: 1, versions: [1], auth: .init(scheme: "anonymous"))))
        var events = raw.events.makeAsyncIterator()
        guard case .message(.welcome(let welcome))? = await events.next() else { Issue.record("no welcome"); return }
        #expect(welcome.compression?.enabled == true, "COMP-2: announced in the welcome")
        let compressor = FramePayloadCompressor(settings: .init(enabled: true, threshold: 0, level: .default))
        var payload: [UInt8] = []
        _ = try compressor.encode(Message.ping(.init(nonce: 42)).binary, appendingTo: &payload)
        var frame: [UInt8] = []
        payload.withUnsafeBytes { Frame.encode(flags: .compressed, payload: $0, into: &frame) }
        raw.sendRaw(frame)
        var pong = false
        while !pong, let event = await events.next() {
            if case .message(.pong(let p)) = event { pong = p.nonce == 42 }
        }
        #expect(pong, "a compressed ping is inflated and answered")
        let bomb = [UInt8](repeating: 0, count: Int(welcome.limits.maxMessage) * 4)
        var bombPayload: [UInt8] = []
        _ = try compressor.encode(bomb, appendingTo: &bombPayload)
        #expect(bombPayload.count < 2_000, "a few hundred bytes that inflate past the cap")
        var bombFrame: [UInt8] = []
        bombPayload.withUnsafeBytes { Frame.encode(flags: .compressed, payload: $0, into: &bombFrame) }
        raw.sendRaw(bombFrame)
        var codes: [ErrorCode] = []
        while let event = await events.next() {
            if case .message(.error(let e)) = event { codes.append(ErrorCode(rawValue: UInt32(e.code))) }
            if case .closed = event { break }
        }
        #expect(codes == [.messageTooLarge])
        visitor.close()
    }
}

/// COMP-19 in the reference server: a large published event is compressed once and spliced
/// into every recipient's compressed frame, or binary WebSocket message without context
/// takeover (COMP-20).
@Suite(.serialized) struct SharedCompressionTests {
    @Test("a large message reaches TCP recipients intact through the spliced path")
    func largeMessageOverTCP() async throws {
        let live = try await LiveServer.start()
        defer { Task { try? await live.stop() } }
        let (agent, visitor, conversation) = try await live.chatPair()
        var notes = visitor.notifications.makeAsyncIterator()
        let text = String(repeating: "Here is the full return policy. ", count: 100)
        #expect(try await agent.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "big", text: text))).name == "ok")
        #expect(await next(&notes) { if case .event(let m) = $0 { m.conversationEvent?.text == text } else { false } } != nil)
        agent.close()
        visitor.close()
    }

    @Test("a large message reaches a WebSocket binary recipient without context takeover intact through the spliced path")
    func largeMessageOverWebSocket() async throws {
        let live = try await LiveServer.start()
        defer { Task { try? await live.stop() } }
        var endpoint = live.webSocketBinary
        endpoint.offersPerMessageDeflate = true  // both directions without context takeover
        let (agent, visitor, conversation) = try await live.chatPair(visitorEndpoint: endpoint)
        var notes = visitor.notifications.makeAsyncIterator()
        let texts = (0..<3).map { String(repeating: "Here is return policy \($0). ", count: 100) }
        for (index, text) in texts.enumerated() {
            #expect(try await agent.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "big\(index)", text: text))).name == "ok")
            #expect(await next(&notes) { if case .event(let m) = $0 { m.conversationEvent?.text == text } else { false } } != nil)
        }
        agent.close()
        visitor.close()
    }
}
