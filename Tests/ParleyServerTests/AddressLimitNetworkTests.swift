import ParleyClient
import ParleyCore
import ParleyWire
import Testing

/// Per-address limits over real sockets (Spec/abuse.md): clients bound to different loopback
/// addresses (all of 127/8 is loopback on Linux) are different sources; a trusted proxy's
/// `X-Forwarded-For` names the source, an untrusted peer's is ignored.
@Suite struct AddressLimitNetworkTests {
    /// Connects to `endpoint` from local address `local`, says hello, and returns the first
    /// message received (the welcome, or the error that refused the connection or the hello).
    static func firstAnswer(_ endpoint: Endpoint, from local: String, forwardedFor: String? = nil) async throws -> (ClientConnection?, Message?) {
        var endpoint = endpoint
        endpoint.localAddress = local
        if let forwardedFor { endpoint.upgradeHeaders["X-Forwarded-For"] = forwardedFor }
        guard let connection = try? await ClientConnection.connect(to: endpoint) else { return (nil, nil) }
        connection.send(.hello(Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "anonymous"))))
        var iterator = connection.events.makeAsyncIterator()
        for _ in 0..<16 {
            switch await iterator.next() {
            case .message(let message)?: return (connection, message)
            case .undecodable?: continue
            case .closed?, nil: return (connection, nil)
            }
        }
        return (connection, nil)
    }

    static func isWelcome(_ message: Message?) -> Bool { if case .welcome? = message { true } else { false } }
    static func code(_ message: Message?) -> UInt64? { if case .error(let e)? = message { e.code } else { nil } }
    /// Refused at the open: the error, or (WebSocket) a close before the upgrade completed.
    static func refusedAtOpen(_ message: Message?) -> Bool { message == nil || code(message) == 2020 }

    @Test("ABUSE-1, ABUSE-2: one loopback address is held to its connection limit while others connect freely")
    func oneAddressLimited() async throws {
        var session = LiveServer.session
        session.address.connections = 2
        let live = try await LiveServer.start(session: session)
        var held: [ClientConnection] = []
        for _ in 0..<2 {
            let (connection, answer) = try await Self.firstAnswer(live.tcp, from: "127.0.0.2")
            #expect(Self.isWelcome(answer))
            held += [connection].compactMap { $0 }
        }
        let (refused, answer) = try await Self.firstAnswer(live.tcp, from: "127.0.0.2")
        #expect(Self.code(answer) == 2020, "the third connection from 127.0.0.2: \(String(describing: answer))")
        if case .error(let error)? = answer { #expect(error.retryAfterMs != nil) }
        refused?.close()
        for local in ["127.0.0.3", "127.0.0.4", "127.0.0.5"] {
            for _ in 0..<2 {
                let (connection, answer) = try await Self.firstAnswer(live.tcp, from: local)
                #expect(Self.isWelcome(answer), "\(local) is not limited by 127.0.0.2's connections")
                held += [connection].compactMap { $0 }
            }
        }
        // Refused at the open over WebSocket, every time: the error arrives right behind the 101,
        // then the close frame with 1008 (ERR-3, WS-4), so a browser learns why it was refused.
        for attempt in 0..<10 {
            let (refusedWS, answer) = try await Self.firstAnswer(live.webSocketJSON, from: "127.0.0.2")
            #expect(Self.code(answer) == 2020, "WebSocket attempt \(attempt): \(String(describing: answer))")
            guard let refusedWS else { continue }
            #expect(await NetworkAbuseTests.drain(refusedWS).closed)
            #expect(refusedWS.webSocketCloseStatus == 1008)
        }
        for connection in held { connection.close() }
        try await live.stop()
    }

    @Test("ABUSE-13: X-Forwarded-For names the source only when the peer is a trusted proxy")
    func forwardedFor() async throws {
        var session = LiveServer.session
        session.address.connections = 1
        let live = try await LiveServer.start(session: session, trustedProxies: [AddressRange("127.0.0.9")!])
        var held: [ClientConnection] = []
        // Through the trusted proxy: counted per forwarded client, not per proxy.
        let (first, a1) = try await Self.firstAnswer(live.webSocketJSON, from: "127.0.0.9", forwardedFor: "203.0.113.9")
        #expect(Self.isWelcome(a1))
        let (second, a2) = try await Self.firstAnswer(live.webSocketJSON, from: "127.0.0.9", forwardedFor: "198.51.100.1, 203.0.113.9")
        #expect(Self.refusedAtOpen(a2), "the rightmost entry is the same client: over its limit")
        let (third, a3) = try await Self.firstAnswer(live.webSocketJSON, from: "127.0.0.9", forwardedFor: "203.0.113.10")
        #expect(Self.isWelcome(a3), "another forwarded client is another source")
        held += [first, second, third].compactMap { $0 }
        // From an untrusted peer the header is ignored: the peer itself is the source.
        let (spoof, a4) = try await Self.firstAnswer(live.webSocketJSON, from: "127.0.0.10", forwardedFor: "203.0.113.9")
        #expect(Self.isWelcome(a4), "not counted as 203.0.113.9, which is at its limit")
        let (spoof2, a5) = try await Self.firstAnswer(live.webSocketJSON, from: "127.0.0.10", forwardedFor: "192.0.2.77")
        #expect(Self.refusedAtOpen(a5), "counted as 127.0.0.10 whatever the header says")
        held += [spoof, spoof2].compactMap { $0 }
        for connection in held { connection.close() }
        try await live.stop()
    }
}
