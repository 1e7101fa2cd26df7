import Foundation
import ParleyClient
import ParleyConformance
import ParleyCore
import ParleyNIO
import ParleyServer
import ParleyTransport
import ParleyTestSupport

/// Test code: an in-process reference server (NIO, 127.0.0.1, free ports), unmodified or with
/// one ``Fault``, and the conformance suite to run against it.
struct TestServer {
    static let key: [UInt8] = Array(0..<32)
    static let suite: ConformanceSuite = try! ConformanceSuite.load(specDirectory: SpecFiles.root.appendingPathComponent("Spec"))

    let nio: ParleyNIOServer
    let stream: Endpoint
    let webSocketPort: Int

    /// Starts a server with `fault` built in (`nil`: the reference server as it is).
    static func start(_ fault: Fault?) async throws -> TestServer {
        let typing = fault == .typingNeverExpires ? TypingConfiguration(expiryMilliseconds: 60_000) : TypingConfiguration()
        let server = ParleyServer(configuration: ServerConfiguration(key: key, typing: typing))
        let acceptor: any ConnectionAcceptor = fault.map { SabotagingAcceptor(server: server, fault: $0) } ?? server
        let nio = ParleyNIOServer(
            acceptor: acceptor, endpoints: Health(),
            configuration: .init(
                streamPort: 0, httpPort: 0, maxFramePayload: fault == .acceptOversizedFrame ? 1 << 24 : 65_536,
                maxMessage: Int(SessionConfiguration().maxMessage), threads: 1))
        let (stream, http) = try await nio.start()
        return TestServer(nio: nio, stream: Endpoint(binding: .stream, host: "127.0.0.1", port: stream.port!), webSocketPort: http.port!)
    }

    /// The endpoint of `binding`.
    func endpoint(_ binding: Binding) -> Endpoint {
        binding == .stream ? stream : Endpoint(binding: binding, host: "127.0.0.1", port: webSocketPort)
    }

    /// Runs the checks named `ids` (all if `nil`) over `binding`.
    func run(_ ids: [String]?, over binding: Binding) async -> [ScenarioResult] {
        let suite = ids.map { ids in ConformanceSuite(checks: Self.suite.checks.filter { ids.contains($0.id) }) } ?? Self.suite
        return await suite.run(against: endpoint(binding), credentials: Credentials(key: Self.key), maxWaitMs: 5_000)
    }

    func stop() async {
        try? await nio.shutdown()
    }
}

/// Health endpoints that always answer ready.
struct Health: HTTPEndpoints {
    var isReady: Bool { true }
    func metricsText() -> String { "" }
}
