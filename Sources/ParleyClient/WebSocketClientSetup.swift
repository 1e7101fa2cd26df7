import NIOCore
import NIOHTTP1
import NIOWebSocket
import ParleyCompression
import ParleyTransport
import ParleyWire

/// Builds the client pipeline for the WebSocket binding: an HTTP upgrade request offering
/// the subprotocol of the endpoint (WS-1), then the handler that reads the WebSocket frames
/// (`ClientWebSocketHandler` for ``ClientConnection``; the load generator brings its own).
public enum WebSocketClientSetup {
    static func configure(
        _ channel: Channel, endpoint: Endpoint, continuation: AsyncStream<ClientConnection.Event>.Continuation,
        upgraded: EventLoopPromise<Void>, webSocket: WebSocketFacts
    ) -> EventLoopFuture<Void> {
        let binding = endpoint.binding
        return configure(channel, endpoint: endpoint, upgraded: upgraded) { response in
            let accepted = response.headers[canonicalForm: "Sec-WebSocket-Extensions"].contains { (field: Substring) in
                field.drop { $0 == " " }.hasPrefix(PerMessageDeflateNegotiation.extensionName)
            }
            webSocket.deflate.withTSanVisibleLock { $0 = accepted && endpoint.offersPerMessageDeflate }
            return ClientWebSocketHandler(
                continuation: continuation, binding: binding, webSocket: webSocket,
                deflate: accepted && endpoint.offersPerMessageDeflate ? ClientDeflate(maxMessage: 1 << 24) : nil)
        }
    }

    /// The offer ``Endpoint/offersPerMessageDeflate`` makes: no context takeover either way,
    /// so each message is compressed and inflated on its own.
    static let deflateOffer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"

    /// Adds the upgrade handlers to `channel`; once the server accepts the upgrade, adds the
    /// handler `makeHandler` returns for the server's response (it reads `WebSocketFrame`s)
    /// and succeeds `upgraded`.
    public static func configure(
        _ channel: Channel, endpoint: Endpoint, upgraded: EventLoopPromise<Void>,
        makeHandler: @escaping @Sendable (HTTPResponseHead) -> any ChannelHandler
    ) -> EventLoopFuture<Void> {
        let subprotocol = endpoint.binding == .webSocketJSON ? "parley.v1.json" : "parley.v1.binary"
        var headers = endpoint.upgradeHeaders
        if endpoint.offersPerMessageDeflate { headers["Sec-WebSocket-Extensions"] = deflateOffer }
        let request = UpgradeRequestHandler(
            host: "\(endpoint.host):\(endpoint.port)", path: endpoint.path, subprotocol: subprotocol, extraHeaders: headers,
            upgraded: upgraded)
        let upgrader = NIOWebSocketClientUpgrader(
            maxFrameSize: 1 << 24, automaticErrorHandling: true,
            upgradePipelineHandler: { channel, response in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler(response))
                    upgraded.succeed(())
                }
            })
        return channel.eventLoop.makeCompletedFuture {
            let loopBound = NIOLoopBound(request, eventLoop: channel.eventLoop)
            // Frames the server sent right behind its 101 (an error refusing the connection, then
            // its close) arrive in the same read: hand them to the WebSocket handler, not drop them.
            try channel.pipeline.syncOperations.addHTTPClientHandlers(
                leftOverBytesStrategy: .forwardBytes,
                withClientUpgrade: (upgraders: [upgrader], completionHandler: { context in
                    context.pipeline.syncOperations.removeHandler(loopBound.value, promise: nil)
                }))
            try channel.pipeline.syncOperations.addHandler(request)
        }
    }
}

/// Sends the upgrade request once the channel is active; fails the upgrade if the server
/// answers with a plain HTTP response instead.
final class UpgradeRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let host: String
    private let path: String
    private let subprotocol: String
    private let upgraded: EventLoopPromise<Void>

    private let extraHeaders: [String: String]

    init(host: String, path: String, subprotocol: String, extraHeaders: [String: String], upgraded: EventLoopPromise<Void>) {
        self.extraHeaders = extraHeaders
        self.host = host
        self.path = path
        self.subprotocol = subprotocol
        self.upgraded = upgraded
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol)
        headers.add(name: "Content-Length", value: "0")
        for (name, value) in extraHeaders.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            upgraded.fail(ClientError.upgradeRefused(status: Int(head.status.code)))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upgraded.fail(ClientError.upgradeRefused(status: 0))
        context.fireChannelInactive()
    }
}

/// Why a client could not connect.
public enum ClientError: Error, Sendable, Equatable {
    /// The server answered the WebSocket upgrade with this HTTP status (0: it closed instead).
    case upgradeRefused(status: Int)
}
