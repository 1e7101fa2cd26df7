import NIOCore
import NIOPosix
import ParleyClient
import ParleyCompression
import ParleyCore
import ParleyWire

/// Opens load-generator connections to one endpoint, from a rotation of loopback source
/// addresses so that more connections than one address has ports can be opened: Parley's
/// (TCP or WebSocket, JSON or binary, through the handshake) with ``connect(index:auth:slow:)``,
/// any other protocol's with ``open(index:slow:install:)``.
final class BenchDialer: Sendable {
    /// A deliberately slow reader: `chunk` bytes every `every`.
    typealias SlowReading = (chunk: Int, every: TimeAmount)

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

    /// Opens connection number `index` over TCP: a ``ReadMarker`` first in its pipeline, then
    /// the handlers `install` adds for the protocol (synchronously); returns the peer of the
    /// future `install` returns, once connected and that future has succeeded (a handshake
    /// such as WebSocket's upgrade may complete it later). A `slow` connection reads `chunk`
    /// bytes every `every`.
    func open<Peer: Sendable>(
        index: Int, slow: SlowReading? = nil,
        install: @escaping @Sendable (any Channel, ConnectionMeter) throws -> EventLoopFuture<Peer>
    ) async throws -> Peer {
        let book = self.book
        let counters = self.counters
        let made = group.any().makePromise(of: Peer.self)
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
        let channel: any Channel
        do {
            if !sources.isEmpty {
                bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: sources[index % sources.count], port: 0))
            }
            channel = try await bootstrap.channelInitializer { channel in
                let meter = ConnectionMeter(eventLoop: channel.eventLoop, stats: book.stats(for: channel.eventLoop), counters: counters)
                do {
                    try channel.pipeline.syncOperations.addHandler(ReadMarker(meter: meter))
                    try install(channel, meter).cascade(to: made)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    made.fail(error)
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            made.fail(error)
            throw error
        }
        if let slow {
            channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: slow.every) { task in
                if channel.isActive { channel.read() } else { task.cancel() }
            }
        }
        do {
            return try await made.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Opens Parley connection `index` on the endpoint's binding; a WebSocket one offers
    /// permessage-deflate if the endpoint says so (``Endpoint/offersPerMessageDeflate``).
    func open(index: Int, slow: SlowReading? = nil) async throws -> BenchPeer {
        let endpoint = self.endpoint
        return try await open(index: index, slow: slow) { channel, meter in
            let stats = self.book.stats(for: channel.eventLoop)
            switch endpoint.binding {
            case .stream, .inProcess:
                let peer = BenchPeer(channel: channel, framing: .stream, meter: meter, stats: stats)
                try channel.pipeline.syncOperations.addHandler(StreamBenchHandler(peer: peer))
                return channel.eventLoop.makeSucceededFuture(peer)
            case .webSocketBinary, .webSocketJSON:
                let peer = BenchPeer(
                    channel: channel, framing: endpoint.binding == .webSocketJSON ? .webSocketJSON : .webSocketBinary, meter: meter, stats: stats)
                let upgraded = channel.eventLoop.makePromise(of: Void.self)
                let configured = WebSocketClientSetup.configure(channel, endpoint: endpoint, upgraded: upgraded) { response in
                    let accepted = endpoint.offersPerMessageDeflate && response.headers[canonicalForm: "Sec-WebSocket-Extensions"].contains {
                        $0.drop { $0 == " " }.hasPrefix(PerMessageDeflateNegotiation.extensionName)
                    }
                    let deflate = accepted ? try? PerMessageDeflateDecoder(noContextTakeover: true, maxMessage: Frame.maxPayloadLimit) : nil
                    return WebSocketBenchHandler(peer: peer, deflate: deflate)
                }
                configured.cascadeFailure(to: upgraded)
                return configured.flatMap { upgraded.futureResult }.map { peer }
            }
        }
    }

    /// Opens Parley connection `index` and completes the handshake with `auth` (SESSION-1),
    /// announcing the largest frame the bench reads (FRAME-6: a host's `list` of hundreds of
    /// rooms is over the 65536 bytes assumed otherwise); returns the peer and the welcome.
    func connect(index: Int, auth: Wire.Auth, slow: SlowReading? = nil) async throws -> (BenchPeer, Wire.Welcome) {
        let peer = try await open(index: index, slow: slow)
        let reply = try await peer.request { rid in
            .hello(Wire.Hello(rid: rid, versions: [1], auth: auth, client: "parley-bench", maxFrame: UInt64(Frame.maxPayloadLimit)))
        }
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
