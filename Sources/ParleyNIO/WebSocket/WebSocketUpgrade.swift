import NIOCore
import NIOHTTP1
import ParleyCompression
import ParleyCore
import ParleyTransport
import ParleyWire

/// Parley's WebSocket upgrade (WS-1, WS-5, WS-6, ABUSE-13), for any NIO HTTP server: what to
/// answer an upgrade request with, and the handler that carries Parley on the upgraded channel.
/// ``ParleyNIOServer`` uses it; so does a web framework's adapter that upgrades on its own
/// channel (the Hummingbird adapter), passing who the application's login established the
/// client to be.
///
/// ```swift
/// let upgrade = WebSocketUpgrade(acceptor: server, configuration: configuration)
/// let upgrader = NIOWebSocketServerUpgrader(
///     maxFrameSize: upgrade.maxFrameSize, automaticErrorHandling: true,
///     shouldUpgrade: { channel, head in channel.eventLoop.makeSucceededFuture(upgrade.responseHeaders(for: head)) },
///     upgradePipelineHandler: { channel, head in
///         channel.eventLoop.makeCompletedFuture { try upgrade.install(on: channel, head: head, identity: nil) }
///     })
/// ```
public struct WebSocketUpgrade: Sendable {
    private let acceptor: any ConnectionAcceptor
    private let configuration: ParleyNIOServer.Configuration

    /// An upgrade to connections of `acceptor`, with `configuration`'s message limit,
    /// permessage-deflate policy, trusted proxies, allowed origins and close linger.
    public init(acceptor: any ConnectionAcceptor, configuration: ParleyNIOServer.Configuration) {
        self.acceptor = acceptor
        self.configuration = configuration
    }

    /// The frame size to give NIO's upgrader: room above the message limit, so that an
    /// oversized message gets `MESSAGE_TOO_LARGE` and 1008 from Parley (WS-3, WS-4), not NIO's 1009.
    public var maxFrameSize: Int { min(max(configuration.maxMessage * 4, 1 << 16), Frame.maxPayloadLimit) }

    /// Whether a page of `headers`' `Origin` may open a session (WS-6); refuse with 403 otherwise.
    public func allowsOrigin(_ headers: HTTPHeaders) -> Bool { configuration.origins.allows(headers) }

    /// The headers to accept an upgrade request with (the chosen subprotocol and, when offered
    /// and allowed, permessage-deflate), or `nil` when it offers no Parley subprotocol (WS-1).
    public func responseHeaders(for head: HTTPRequestHead) -> HTTPHeaders? {
        guard let (name, _) = Binding.webSocketSubprotocol(offered: head.headers["Sec-WebSocket-Protocol"]) else { return nil }
        var headers = HTTPHeaders()
        headers.add(name: "Sec-WebSocket-Protocol", value: name)
        if let deflate = negotiateDeflate(head.headers) {
            headers.add(name: "Sec-WebSocket-Extensions", value: deflate.responseHeaderValue)
        }
        return headers
    }

    /// Adds Parley's WebSocket handler to `channel`, upgraded by `head` (whose headers
    /// ``responseHeaders(for:)`` accepted); `identity` is who the application's login
    /// established the client to be, for a hello of scheme `transport` (SESSION-38).
    /// - Throws: if the handler cannot be added or the negotiated compression cannot be set up.
    public func install(on channel: Channel, head: HTTPRequestHead, identity: AuthenticatedIdentity?) throws {
        guard let (_, binding) = Binding.webSocketSubprotocol(offered: head.headers["Sec-WebSocket-Protocol"]) else {
            throw WireError(.internalError, "no Parley subprotocol was negotiated")
        }
        let profile = ConnectionProfile(
            binding: binding, compression: negotiateDeflate(head.headers).map(PerMessageDeflateCompression.init(serverSideOf:)),
            limits: configuration.limits)
        let source = SourceAddress.forwarded(
            peer: SourceAddress(peer: channel.remoteAddress), headers: head.headers, trusted: configuration.trustedProxies)
        try channel.pipeline.syncOperations.addHandler(WebSocketChannelHandler(
            acceptor: acceptor, profile: profile, source: source, identity: identity,
            closeLinger: .milliseconds(Int64(configuration.closeLingerMs))))
    }

    /// The permessage-deflate parameters for the client's offers, if any is acceptable (COMP-10).
    private func negotiateDeflate(_ headers: HTTPHeaders) -> PerMessageDeflateParameters? {
        let offers = headers[canonicalForm: "Sec-WebSocket-Extensions"].map(String.init)
        guard !offers.isEmpty else { return nil }
        return configuration.webSocketDeflate?.negotiate(offerFieldValues: offers)
    }
}
