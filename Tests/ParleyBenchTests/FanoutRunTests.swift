import NIOPosix
import ParleyBench
import ParleyClient
import ParleyCore
import ParleyNIO
import ParleyServer
import Testing

/// End to end against an in-process server on a free port: 1 publisher → 20 subscribers for
/// 1 s. A clean server gives a clean run; a deliberately faulty one gives exactly the loss,
/// duplicates and reordering it caused.
@Suite(.serialized) struct FanoutRunTests {
    static let key: [UInt8] = Array(0..<32)

    /// Runs the bench against a server (faulty or not) and returns the result.
    func run(
        faulty: Bool, rooms: Int = 1, subscribers: Int = 20, size: Int = 64, rate: Double = 200, duration: Double = 1
    ) async throws -> FanoutResult {
        var session = SessionConfiguration()
        session.messageRate = 1_000_000_000
        session.messageBurst = 1_000_000
        let server = ParleyServer(configuration: ServerConfiguration(key: Self.key, session: session))
        let nio = ParleyNIOServer(
            acceptor: FaultyAcceptor(server: server, faulty: faulty), endpoints: NoEndpoints(),
            configuration: .init(streamPort: 0, httpPort: 0, threads: 1))
        let (stream, _) = try await nio.start()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var options = FanoutOptions(
            endpoint: Endpoint(binding: .stream, host: "127.0.0.1", port: stream.port!), subscribers: subscribers, rooms: rooms,
            publishers: 1, rate: rate, size: size, duration: duration, key: Self.key)
        options.drainSeconds = 2
        let result = try await FanoutRun(options: options, group: group).run()
        try await Task.sleep(for: .milliseconds(100))
        try await group.shutdownGracefully()
        try await nio.shutdown()
        return result
    }

    @Test func cleanServerGivesACleanRun() async throws {
        let result = try await run(faulty: false)
        #expect(result.accepted > 150)
        #expect(result.deliveries == 20 * result.accepted)
        #expect(result.isClean)
        #expect(result.latency.totalCount == UInt64(result.deliveries))
    }

    /// Eight rooms: the host's `list` of them is over the server's compression threshold, so it
    /// arrives compressed (COMP-3); the bench's client once closed on it ("connection closed"
    /// with six rooms or more).
    @Test func manyRoomsRunCleanlyThroughCompressedFrames() async throws {
        let result = try await run(faulty: false, rooms: 8, subscribers: 16)
        #expect(result.accepted > 100)
        #expect(result.deliveries == 2 * result.accepted)
        #expect(result.isClean)
    }

    /// 1 KiB messages: every delivery is over the server's compression threshold (512 by
    /// default, COMP-8), so each one arrives as a compressed frame (COMP-3) that the bench must
    /// inflate to find its probe: without inflation every subscriber loses every message.
    @Test func compressedDeliveriesAreInflatedAndCounted() async throws {
        let result = try await run(faulty: false, subscribers: 5, size: 1_024, rate: 500, duration: 0.6)
        #expect(result.accepted > 0)
        #expect(result.deliveries == 5 * result.accepted)
        #expect(result.lost == 0)
        #expect(result.isClean)
        #expect(result.reads > 0)
    }

    @Test func faultyServerIsCaughtExactly() async throws {
        let result = try await run(faulty: true)
        let n = result.accepted
        #expect(n > 150)
        let indices = 0..<n
        let dropped = indices.filter { $0 % 10 == 3 }.count
        let doubled = indices.filter { $0 % 10 == 5 }.count
        // A held probe arrives with the next write; the last one may never be released.
        let delayed = indices.filter { $0 % 10 == 7 && $0 + 1 < n }.count
        let stuck = (n - 1) % 10 == 7 ? 1 : 0
        #expect(result.lost == 20 * (dropped + stuck))
        #expect(result.duplicated == 20 * doubled)
        #expect(result.outOfOrder == 20 * delayed)
        #expect(result.sessionRepeats > 0)
        #expect(!result.isClean)
    }
}

/// No health or metrics in these tests.
struct NoEndpoints: HTTPEndpoints {
    var isReady: Bool { true }
    func metricsText() -> String { "" }
}
