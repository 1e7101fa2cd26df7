import Foundation
import NIOCore
import ParleyClient
import ParleyWire

/// The connection-scale mode: opens as many idle connections as asked — each through the
/// handshake, as a visitor's widget sitting on a page (scheme `anonymous`) or an agent
/// (`token`) — from several loopback source addresses, holds them, and reports the server's
/// resident memory per connection read from /proc.
public final class ConnectionScaleRun: Sendable {
    /// What to open.
    public struct Options: Sendable {
        /// The server (loopback only).
        public var endpoint: Endpoint
        /// Connections to open.
        public var count: Int
        /// Source addresses 127.0.0.1 … 127.0.0.N used in turn (each has ~28 000 ephemeral ports).
        public var sourceAddresses: Int
        /// Authenticate as agents with tokens signed by `key` instead of anonymous visitors.
        public var key: [UInt8]?
        /// The server's process id (else found by the endpoint's port).
        public var serverPID: Int32?
        /// Handshakes in progress at once.
        public var concurrency = 256
        /// Seconds to hold the connections open before measuring.
        public var holdSeconds: Double = 3

        /// Options for `count` connections to `endpoint`.
        public init(endpoint: Endpoint, count: Int, sourceAddresses: Int? = nil, key: [UInt8]? = nil, serverPID: Int32? = nil) {
            self.endpoint = endpoint
            self.count = count
            self.sourceAddresses = sourceAddresses ?? max(1, (count + 19_999) / 20_000)
            self.key = key
            self.serverPID = serverPID
        }
    }

    /// What was measured.
    public struct Result: Sendable {
        /// Connections opened and past the handshake.
        public var opened: Int
        /// Connections that failed to open or to complete the handshake (first error kept).
        public var failed: Int
        public var firstError: String?
        /// The server's process and its resident memory before and after, bytes.
        public var serverPID: Int32?
        public var rssBefore: Int?
        public var rssAfter: Int?
        /// The bench's own resident memory with the connections open, bytes.
        public var benchRSS: Int?
        /// Seconds to open them all.
        public var openSeconds: Double

        /// Server bytes per open connection.
        public var bytesPerConnection: Double? {
            guard let before = rssBefore, let after = rssAfter, opened > 0 else { return nil }
            return Double(after - before) / Double(opened)
        }
    }

    private let options: Options
    private let group: any EventLoopGroup

    /// A run of `options` on `group`.
    public init(options: Options, group: any EventLoopGroup) {
        self.options = options
        self.group = group
    }

    /// Opens the connections, measures, closes them; `progress` gets the number open.
    public func run(progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Result {
        let o = options
        let sources = (1...max(1, o.sourceAddresses)).map { "127.0.0.\($0)" }
        let dialer = try BenchDialer(endpoint: o.endpoint, group: group, counters: RunCounters(), sources: sources)
        let pid = o.serverPID ?? ProcessMemory.listener(port: o.endpoint.port)
        try? await Task.sleep(for: .milliseconds(200))
        let before = pid.flatMap(ProcessMemory.residentBytes)
        let tokens = o.key.map { TokenMinter(key: $0, team: "support") }
        let start = BenchClock.now()
        var peers: [BenchPeer] = []
        var failed = 0
        var firstError: String?
        await withTaskGroup(of: Swift.Result<BenchPeer, any Error>.self) { tasks in
            var next = 0
            func add() {
                let i = next
                next += 1
                tasks.addTask {
                    do {
                        let auth = tokens?.auth("bench-idle-\(i)") ?? Wire.Auth(scheme: "anonymous")
                        return .success(try await dialer.connect(index: i, auth: auth).0)
                    } catch {
                        return .failure(error)
                    }
                }
            }
            while next < min(o.concurrency, o.count) { add() }
            for await outcome in tasks {
                switch outcome {
                case .success(let peer): peers.append(peer)
                case .failure(let error):
                    failed += 1
                    if firstError == nil { firstError = "\(error)" }
                }
                let done = peers.count + failed
                if done % 500 == 0 || done == o.count { progress(peers.count) }
                if next < o.count { add() }
            }
        }
        let openSeconds = Double(BenchClock.now() - start) / 1e9
        try? await Task.sleep(for: .seconds(o.holdSeconds))
        let after = pid.flatMap(ProcessMemory.residentBytes)
        let bench = ProcessMemory.residentBytes(pid: getpid())
        for peer in peers { peer.channel.eventLoop.execute { peer.leave() } }
        try? await Task.sleep(for: .milliseconds(500))
        return Result(
            opened: peers.count, failed: failed, firstError: firstError, serverPID: pid, rssBefore: before, rssAfter: after,
            benchRSS: bench, openSeconds: openSeconds)
    }
}
