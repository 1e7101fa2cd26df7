import NIOCore
import NIOPosix
import ParleyClient
import ParleyCore
import ParleyWire

/// Opens load-generator connections to one endpoint and completes their handshake: TCP or
/// WebSocket (JSON or binary), from a rotation of loopback source addresses so that more
/// connections than one address has ports can be opened.
final class BenchDialer: Sendable {
    let endpoint: Endpoint
    let group: any EventLoopGroup
    let counters: RunCounters
    private let book: StatsBook
    private let sources: [String]

    /// A dialer for `endpoint`; `sources` are local addresses to bind, used in turn (none:
    /// the system picks).
    init(endpoint: Endpoint, group: any EventLoopGroup, counters: RunCounters, sources: [String]) throws {
        guard Self.isLoopback(endpoint.host) else {
            throw BenchError.invalid("the bench only targets loopback addresses (127.0.0.0/8, ::1, localhost), not \(endpoint.host)")
        }
        self.endpoint = endpoint
        self.group = group
        self.counters = counters
        self.book = StatsBook(group: group)
        self.sources = sources
    }

    /// The per-loop measurements of the connections this dialer opened.
    var stats: StatsBook { book }

    /// Whether `host` is a loopback address (the only kind of target the bench accepts).
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Opens connection number `index`; a `slow` one reads `chunk` bytes every `every`.
    func open(index: Int, slow: (chunk: Int, every: TimeAmount)? = nil) async throws -> BenchPeer {
        let framing: BenchPeer.Framing = switch endpoint.binding {
        case .webSocketJSON: .webSocketJSON
        case .webSocketBinary: .webSocketBinary
        case .stream, .inProcess: .stream
        }
        let book = self.book
        let counters = self.counters
        let endpoint = self.endpoint
        var bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
        if let slow {
            bootstrap = bootstrap
                .channelOption(.autoRead, value: false)
                .channelOption(.maxMessagesPerRead, value: 1)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: slow.chunk))
                .channelOption(.socketOption(.so_rcvbuf), value: 4_096)
        }
        if !sources.isEmpty {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: sources[index % sources.count], port: 0))
        }
        let upgraded = group.next().makePromise(of: Void.self)
        let channel: any Channel
        do {
            channel = try await bootstrap.channelInitializer { channel in
                let peer = BenchPeer(channel: channel, framing: framing, stats: book.stats(for: channel.eventLoop), counters: counters)
                switch framing {
                case .stream:
                    upgraded.succeed(())
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(StreamBenchHandler(peer: peer))
                    }
                case .webSocketBinary, .webSocketJSON:
                    return WebSocketClientSetup.configure(channel, endpoint: endpoint, upgraded: upgraded) { _ in
                        WebSocketBenchHandler(peer: peer)
                    }
                }
            }.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            upgraded.fail(error)
            throw error
        }
        if let slow {
            channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: slow.every) { task in
                if channel.isActive { channel.read() } else { task.cancel() }
            }
        }
        try await upgraded.futureResult.get()
        return try await channel.eventLoop.submit {
            if let handler = try? channel.pipeline.syncOperations.handler(type: StreamBenchHandler.self) { return handler.peer }
            return try channel.pipeline.syncOperations.handler(type: WebSocketBenchHandler.self).peer
        }.get()
    }

    /// Opens connection `index` and completes the handshake with `auth` (SESSION-1); returns
    /// the peer and the welcome.
    func connect(index: Int, auth: Wire.Auth, slow: (chunk: Int, every: TimeAmount)? = nil) async throws -> (BenchPeer, Wire.Welcome) {
        let peer = try await open(index: index, slow: slow)
        let reply = try await peer.request { rid in .hello(Wire.Hello(rid: rid, versions: [1], auth: auth, client: "parley-bench")) }
        guard case .welcome(let welcome) = reply else { throw BenchError.answer(to: "hello", reply) }
        return (peer, welcome)
    }
}

extension BenchError {
    /// The error for a setup step answered with `reply` instead of what it needed.
    static func answer(to step: String, _ reply: Message) -> BenchError {
        if case .error(let e) = reply { return .refused(step: step, code: e.code, message: e.message) }
        return .unexpected(step: step, reply)
    }
}
