import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import ParleyCompression
import ParleyCore
import ParleyTransport
import ParleyWire
import Synchronization

/// Serves Parley over TCP (byte-stream binding) and WebSocket (with health and metrics on the
/// same HTTP port), handing every connection to a `ConnectionAcceptor`.
///
/// ```swift
/// let nio = ParleyNIOServer(acceptor: server, endpoints: health, configuration: .init())   // health: any HTTPEndpoints
/// let addresses = try await nio.start()
/// ```
public final class ParleyNIOServer: Sendable {
    /// Where to listen and the transport-level limits.
    public struct Configuration: Sendable {
        /// The address to bind (loopback by default).
        public var host: String
        /// The TCP port of the byte-stream binding (0 picks a free port).
        public var streamPort: Int
        /// The HTTP port for WebSocket upgrades, health and metrics (0 picks a free port).
        public var httpPort: Int
        /// The largest frame payload accepted on the byte stream (FRAME-5).
        public var maxFramePayload: Int
        /// The largest WebSocket message accepted (WS-3).
        public var maxMessage: Int
        /// The path of WebSocket upgrades (WS-1).
        public var webSocketPath: String
        /// Event loop threads (default: one per core).
        public var threads: Int
        /// The permessage-deflate policy for WebSocket offers (COMP-9…COMP-18); `nil` turns
        /// WebSocket compression off.
        public var webSocketDeflate: PerMessageDeflateNegotiation?
        /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers name the client's
        /// address on WebSocket upgrades (ABUSE-13); empty trusts none.
        public var trustedProxies: [AddressRange]
        /// After its final output the server stops sending and keeps reading (and discarding)
        /// for up to this long before it closes, so a peer still writing is not reset before it
        /// reads the final error or close frame (ERR-3, WS-4).
        public var closeLingerMs: Int
        /// Which pages may open WebSocket sessions (WS-6).
        public var origins: OriginPolicy
        /// TLS for both listeners (`https`/`wss` and TLS on the byte stream); `nil` serves
        /// plain TCP. A widget on an `https://` shop can only open `wss://`.
        public var tls: NIOSSLContext?

        /// The limits every connection's codec applies to what the peer sends.
        public var limits: ConnectionProfile.Limits { ConnectionProfile.Limits(maxFramePayload: maxFramePayload, maxMessage: maxMessage) }

        /// Creates a configuration; every value has a local-development default.
        public init(
            host: String = "127.0.0.1", streamPort: Int = 7400, httpPort: Int = 7401,
            maxFramePayload: Int = 65_536, maxMessage: Int = 65_536, webSocketPath: String = "/parley",
            threads: Int = System.coreCount, webSocketDeflate: PerMessageDeflateNegotiation? = PerMessageDeflateNegotiation(),
            trustedProxies: [AddressRange] = [], closeLingerMs: Int = 2_000, origins: OriginPolicy = OriginPolicy(),
            tls: NIOSSLContext? = nil
        ) {
            self.tls = tls
            self.origins = origins
            self.closeLingerMs = closeLingerMs
            self.trustedProxies = trustedProxies
            self.webSocketDeflate = webSocketDeflate
            self.host = host
            self.streamPort = streamPort
            self.httpPort = httpPort
            self.maxFramePayload = maxFramePayload
            self.maxMessage = maxMessage
            self.webSocketPath = webSocketPath
            self.threads = threads
        }
    }

    /// The TLS context for a PEM certificate (chain) file and its PEM private key file.
    public static func tlsContext(certificateFile: String, keyFile: String) throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    /// Outbound buffer marks per connection: above `high` the server stops reading from the
    /// peer until the buffer drains below `low` (backpressure).
    static let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 64 * 1024, high: 256 * 1024)

    private let acceptor: any ConnectionAcceptor
    private let endpoints: any HTTPEndpoints
    private let configuration: Configuration
    private let group: MultiThreadedEventLoopGroup
    private let channels = Mutex<[Channel]>([])

    /// Creates a server; nothing listens until ``start()``.
    public init(acceptor: any ConnectionAcceptor, endpoints: any HTTPEndpoints, configuration: Configuration) {
        self.acceptor = acceptor
        self.endpoints = endpoints
        self.configuration = configuration
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
    }

    /// Binds both listeners and returns their addresses.
    public func start() async throws -> (stream: SocketAddress, http: SocketAddress) {
        let acceptor = self.acceptor
        let configuration = self.configuration
        let endpoints = self.endpoints
        let stream = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: Self.waterMark)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = configuration.tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    let profile = ConnectionProfile(binding: .stream, compression: FrameCompression(), limits: configuration.limits)
                    try channel.pipeline.syncOperations.addHandler(
                        StreamChannelHandler(acceptor: acceptor, profile: profile, closeLinger: .milliseconds(Int64(configuration.closeLingerMs))))
                }
            }
            .bind(host: configuration.host, port: configuration.streamPort).get()
        let http = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: Self.waterMark)
            .childChannelInitializer { channel in
                Self.configureHTTP(channel, acceptor: acceptor, endpoints: endpoints, configuration: configuration)
            }
            .bind(host: configuration.host, port: configuration.httpPort).get()
        channels.withTSanVisibleLock { $0 = [stream, http] }
        return (stream.localAddress!, http.localAddress!)
    }

    private static func configureHTTP(
        _ channel: Channel, acceptor: any ConnectionAcceptor, endpoints: any HTTPEndpoints, configuration: Configuration
    ) -> EventLoopFuture<Void> {
        let httpHandler = NIOLoopBound(
            HTTPRequestHandler(endpoints: endpoints, webSocketPath: configuration.webSocketPath, origins: configuration.origins),
            eventLoop: channel.eventLoop)
        let upgrade = WebSocketUpgrade(acceptor: acceptor, configuration: configuration)
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: upgrade.maxFrameSize,
            automaticErrorHandling: true,
            shouldUpgrade: { channel, head in
                guard head.uri.split(separator: "?").first.map(String.init) == configuration.webSocketPath, upgrade.allowsOrigin(head.headers)
                else { return channel.eventLoop.makeSucceededFuture(nil) }
                return channel.eventLoop.makeSucceededFuture(upgrade.responseHeaders(for: head))
            },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture { try upgrade.install(on: channel, head: head, identity: nil) }
            }
        )
        return channel.eventLoop.makeCompletedFuture {
            if let tls = configuration.tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                    context.pipeline.syncOperations.removeHandler(httpHandler.value, promise: nil)
                }))
            try channel.pipeline.syncOperations.addHandler(httpHandler.value)
        }
    }

    /// Closes the listeners and stops the event loops.
    public func shutdown() async throws {
        for channel in channels.withTSanVisibleLock({ $0 }) { try? await channel.close() }
        try await group.shutdownGracefully()
    }
}
