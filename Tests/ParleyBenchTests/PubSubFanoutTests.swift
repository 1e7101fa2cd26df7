import NIOPosix
import ParleyBench
import ParleyClient
import Testing

/// The fan-out run against a real Redis and a real NATS server, started on a free loopback
/// port for the test: 1 publisher → 3 subscribers, 50 messages, nothing lost. Skipped where the
/// server is not installed (CI installs both: `apt-get install redis-server nats-server`).
@Suite(.serialized) struct PubSubFanoutTests {
    static let redis = LocalServer.executable(named: "redis-server")
    static let nats = LocalServer.executable(named: "nats-server")

    /// 50 messages (100/s for 0.5 s) from one publisher to three subscribers in one room.
    func run(_ kind: ServerKind, executable: String) async throws -> FanoutResult {
        let server = try await LocalServer.start(kind, executable: executable, port: try LocalServer.freePort())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var options = FanoutOptions(
            endpoint: Endpoint(binding: .stream, host: "127.0.0.1", port: server.port), subscribers: 3, rate: 100, duration: 0.5,
            key: [])
        options.server = kind
        options.serverPID = server.pid
        options.drainSeconds = 2
        let outcome: Result<FanoutResult, any Error>
        do {
            outcome = .success(try await FanoutRun(options: options, group: group).run())
        } catch {
            outcome = .failure(error)
        }
        try await group.shutdownGracefully()
        await server.stop()
        return try outcome.get()
    }

    @Test(.enabled(if: redis != nil, "redis-server is not installed: apt-get install redis-server"))
    func redisFanoutLosesNothing() async throws {
        let result = try await run(.redis, executable: Self.redis!)
        #expect(result.accepted > 0 && result.accepted <= 50)
        #expect(result.deliveries == 3 * result.accepted)
        #expect(result.isClean)
        #expect(result.serverCPUSeconds != nil)
    }

    @Test(.enabled(if: nats != nil, "nats-server is not installed: apt-get install nats-server"))
    func natsFanoutLosesNothing() async throws {
        let result = try await run(.nats, executable: Self.nats!)
        #expect(result.accepted > 0 && result.accepted <= 50)
        #expect(result.deliveries == 3 * result.accepted)
        #expect(result.isClean)
        #expect(result.serverCPUSeconds != nil)
    }
}
