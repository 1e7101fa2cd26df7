import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
import ParleyNIO

extension HTTPServerBuilder {
    /// HTTP/1.1 with Parley's WebSocket upgrade: the app's routes as usual, and upgrade
    /// requests decided by the app's `router` (its middleware and the route mounted with
    /// ``Hummingbird/RouterMethods/parley(_:_:identify:)``), then carried by Parley's own
    /// WebSocket binding (WS-1…WS-6, permessage-deflate COMP-9…COMP-18).
    ///
    /// Hummingbird's own WebSocket upgrade answers every refused upgrade with 400; this one
    /// lets the app's refusal through (401 from its login, 403 for another site's page).
    public static func parley<Router: HTTPResponderBuilder>(
        _ chat: ParleyChat, router: Router, configuration: HTTP1Channel.Configuration = .init()
    ) -> HTTPServerBuilder where Router.Responder.Context: RequestContext & InitializableFromSource<ApplicationRequestContextSource> {
        let decider = router.buildResponder()
        return HTTPServerBuilder { responder in
            ParleyHTTPChannel(responder: responder, configuration: configuration) { head, channel, logger in
                await ParleyUpgrade.decide(head, chat: chat, router: decider, channel: channel, logger: logger)
            } upgrade: { chat }
        }
    }
}

/// A child channel serving HTTP/1.1 and Parley's WebSocket upgrade (`HTTPServerBuilder.parley(_:router:configuration:)`).
struct ParleyHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    /// How the connection went on after its first request.
    enum Negotiated: Sendable {
        /// Plain HTTP: no upgrade was asked for.
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// An upgrade the app refused: its response is written, then the connection closes.
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, HTTPResponse, ByteBuffer)
        /// Parley's WebSocket handler carries it.
        case webSocket
    }

    /// The channel and how it was negotiated.
    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let decide: @Sendable (HTTPRequestHead, any Channel, Logger) async -> ParleyUpgrade.Answer
    let chat: @Sendable () -> ParleyChat

    init(
        responder: @escaping HTTPChannelHandler.Responder, configuration: HTTP1Channel.Configuration,
        decide: @escaping @Sendable (HTTPRequestHead, any Channel, Logger) async -> ParleyUpgrade.Answer,
        upgrade chat: @escaping @Sendable () -> ParleyChat
    ) {
        self.responder = responder
        self.configuration = configuration
        self.decide = decide
        self.chat = chat
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let chat = chat()
            let upgrade = WebSocketUpgrade(acceptor: chat.server, configuration: chat.configuration)
            let answer = NIOLockedValueBox<ParleyUpgrade.Answer?>(nil)
            let decide = self.decide
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: upgrade.maxFrameSize,
                shouldUpgrade: { channel, head in
                    guard let accepting = upgrade.responseHeaders(for: head) else {
                        answer.withLockedValue { $0 = .refuse(HTTPResponse(status: .badRequest), ByteBuffer(string: ParleyUpgrade.subprotocolRequired)) }
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    promise.completeWithTask {
                        let decided = await decide(head, channel, logger)
                        answer.withLockedValue { $0 = decided }
                        guard case .accept(_, let cookies) = decided else { return nil }
                        var headers = accepting
                        for cookie in cookies { headers.add(name: "Set-Cookie", value: cookie) }
                        return headers
                    }
                    return promise.futureResult
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        guard case .accept(let identity, _)? = answer.withLockedValue({ $0 }) else {
                            throw ParleyUpgrade.NotAccepted()
                        }
                        try upgrade.install(on: channel, head: head, identity: identity)
                        // The app's server quiesces before the chat service stops: the goodbye goes out then.
                        try channel.pipeline.syncOperations.addHandler(QuiesceGoodbye(chat: chat))
                        return .webSocket
                    }
                })
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                configuration: NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: NIOTypedHTTPServerUpgradeConfiguration(
                    upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                            try channel.pipeline.syncOperations.addHandlers(configuration.additionalChannelHandlers())
                            try channel.pipeline.syncOperations.addHandler(
                                HTTPConnectionStateHandler(idleTimeout: configuration.idleTimeout.map { .init($0) }, logger: logger))
                            let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                            guard case .refuse(let response, let body)? = answer.withLockedValue({ $0 }) else { return .http(http) }
                            return .refused(http, response, body)
                        }
                    })))
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        switch try? await value.negotiated.get() {
        case .http(let http)?: await handleHTTP(asyncChannel: http, logger: logger)
        case .refused(let http, var response, let body)?:
            response.headerFields[.contentLength] = String(body.readableBytes)
            response.headerFields[.connection] = "close"
            try? await http.executeThenClose { _, outbound in
                try await outbound.write(contentsOf: [.head(response), .body(body), .end(nil)])
            }
        case .webSocket?, nil: break  // Parley's handler runs the connection on the channel itself
        }
    }
}

/// Says goodbye to every chat client when the app's server starts to shut down (SESSION-35).
final class QuiesceGoodbye: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Never
    private let chat: ParleyChat

    init(chat: ParleyChat) { self.chat = chat }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent { chat.shutdown() }
        context.fireUserInboundEventTriggered(event)
    }
}
