import NIOCore
import NIOHTTP1

/// Answers plain HTTP requests that are not WebSocket upgrades: `/healthz` (liveness),
/// `/readyz` (readiness), `/metrics` (Prometheus text); anything else is 404.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let endpoints: any HTTPEndpoints
    private var path = ""

    init(endpoints: any HTTPEndpoints) { self.endpoints = endpoints }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
        case .body:
            break
        case .end:
            let (status, body, type): (HTTPResponseStatus, String, String) = switch path {
            case "/healthz": (.ok, "ok\n", "text/plain")
            case "/readyz": endpoints.isReady ? (.ok, "ready\n", "text/plain") : (.serviceUnavailable, "not ready\n", "text/plain")
            case "/metrics": (.ok, endpoints.metricsText(), "text/plain; version=0.0.4")
            case "/parley": (.badRequest, "WebSocket upgrade with subprotocol parley.v1.json or parley.v1.binary required (WS-1)\n", "text/plain")
            default: (.notFound, "not found\n", "text/plain")
            }
            var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
            buffer.writeString(body)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Content-Length", value: String(buffer.readableBytes))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
