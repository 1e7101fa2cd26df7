import CoreMetrics
import NIOCore
import NIOSSL
import ParleyClient
import ParleyClock
import ParleyCore
import ParleyNIO
import ParleyServer
import ParleyWeb
import ParleyWire

/// Test code: a reference server on loopback with free ports, for end-to-end tests over real
/// sockets. Stop it with ``stop()``.
struct LiveServer {
    static let key = Array("live server test key 32 bytes!!!".utf8)

    let server: ParleyServer
    let transport: ParleyNIOServer
    let tcp: Endpoint
    let webSocketJSON: Endpoint
    let webSocketBinary: Endpoint
    let httpPort: Int

    /// The session settings live tests start from: the defaults with a patient handshake
    /// timeout. Test clients send the hello from Swift's cooperative pool (two threads here),
    /// which CPU-bound tests running beside them under a full `swift test` can hold for
    /// seconds: with the default 10 s, unrelated live tests failed together with HANDSHAKE_TIMEOUT.
    static var session: SessionConfiguration {
        var session = SessionConfiguration()
        session.handshakeTimeoutMs = 120_000
        return session
    }

    static func start(
        session: SessionConfiguration = LiveServer.session, metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        trustedProxies: [AddressRange] = [], origins: OriginPolicy = OriginPolicy(), tls: NIOSSLContext? = nil
    ) async throws -> LiveServer {
        let configuration = ServerConfiguration(key: key, teams: ["support"], session: session)
        let server = ParleyServer(configuration: configuration, metrics: metrics)
        let transport = ParleyNIOServer(
            acceptor: server, endpoints: TestEndpoints(server: server),
            configuration: .init(
                streamPort: 0, httpPort: 0, maxFramePayload: Int(session.maxFrame), maxMessage: Int(session.maxMessage), threads: 2,
                trustedProxies: trustedProxies, origins: origins, tls: tls))
        let (stream, http) = try await transport.start()
        return LiveServer(
            server: server, transport: transport,
            tcp: Endpoint(binding: .stream, host: "127.0.0.1", port: stream.port!),
            webSocketJSON: Endpoint(binding: .webSocketJSON, host: "127.0.0.1", port: http.port!),
            webSocketBinary: Endpoint(binding: .webSocketBinary, host: "127.0.0.1", port: http.port!),
            httpPort: http.port!)
    }

    func agentToken(_ user: String) -> String {
        server.mintToken(TokenClaims(user: user, role: .agent, teams: ["support"], expiresAt: WallClock.now().adding(milliseconds: 3_600_000)))!
    }

    /// An accepting agent ("ana") and a visitor on TCP with a conversation between them.
    func chatPair(firstMessage: String = "hello", visitorEndpoint: Endpoint? = nil) async throws -> (agent: ParleyClient, visitor: ParleyClient, conversation: String) {
        let agent = ParleyClient(endpoint: tcp, auth: Wire.Auth(scheme: "token", credential: agentToken("ana")))
        let visitor = ParleyClient(endpoint: visitorEndpoint ?? tcp, auth: Wire.Auth(scheme: "anonymous"))
        try await agent.connect()
        try await visitor.connect()
        guard try await agent.request(.agentStatus(.init(rid: 0, routing: .accepting))).name == "ok",
            case .ok(let ok) = try await visitor.request(.create(.init(rid: 0, text: firstMessage))), let conversation = ok.conversation
        else { throw SetupFailure() }
        return (agent, visitor, conversation)
    }

    struct SetupFailure: Error {}

    func stop() async throws {
        try await transport.shutdown()
    }
}

struct TestEndpoints: HTTPEndpoints {
    let server: ParleyServer
    var isReady: Bool { server.isReady }
    func metricsText() -> String { "parley_connections \(server.connectionCount)\n" }
    func asset(at path: String) -> HTTPAsset? {
        WebAssets.asset(at: path).map { HTTPAsset(contentType: $0.contentType, body: Array($0.text.utf8)) }
    }
}

/// Waits (boundedly) for the first notification matching `predicate`.
func next(
    _ iterator: inout AsyncStream<ClientSession.Notification>.Iterator, within seconds: Double = 5,
    where predicate: (ClientSession.Notification) -> Bool
) async -> ClientSession.Notification? {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        guard let note = await iterator.next() else { return nil }
        if predicate(note) { return note }
    }
    return nil
}
