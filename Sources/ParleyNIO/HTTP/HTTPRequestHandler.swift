import NIOCore
import NIOHTTP1

/// Answers plain HTTP requests that are not WebSocket upgrades: `/healthz` (liveness),
/// `/readyz` (readiness), `/metrics` (Prometheus text), the website side's files (with
/// caching and security headers); anything else is 404. An upgrade to the WebSocket path
/// refused for its `Origin` is answered 403 here (WS-6).
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let endpoints: any HTTPEndpoints
    private let webSocketPath: String
    private let origins: OriginPolicy
    private var head: HTTPRequestHead?

    init(endpoints: any HTTPEndpoints, webSocketPath: String, origins: OriginPolicy) {
        self.endpoints = endpoints
        self.webSocketPath = webSocketPath
        self.origins = origins
    }

    /// Pages may load only their own scripts and styles, connect only to this server, and not
    /// be framed by other sites.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
        var headers = HTTPHeaders()
        let status: HTTPResponseStatus
        var body: [UInt8]
        switch path {
        case "/healthz": (status, body) = (.ok, Array("ok\n".utf8))
        case "/readyz": (status, body) = endpoints.isReady ? (.ok, Array("ready\n".utf8)) : (.serviceUnavailable, Array("not ready\n".utf8))
        case "/metrics":
            (status, body) = (.ok, Array(endpoints.metricsText().utf8))
            headers.add(name: "Content-Type", value: "text/plain; version=0.0.4")
        case webSocketPath where !origins.allows(head.headers):
            (status, body) = (.forbidden, Array("this page's Origin may not open Parley sessions (WS-6)\n".utf8))
        case webSocketPath:
            (status, body) = (.badRequest, Array("WebSocket upgrade with subprotocol parley.v1.json or parley.v1.binary required (WS-1)\n".utf8))
        default:
            if head.method == .GET || head.method == .HEAD, let asset = endpoints.asset(at: path) {
                let etag = "\"" + String(Self.fnv1a(asset.body), radix: 16) + "\""
                headers.add(name: "Content-Type", value: asset.contentType)
                headers.add(name: "ETag", value: etag)
                headers.add(name: "Cache-Control", value: "no-cache")
                headers.add(name: "X-Content-Type-Options", value: "nosniff")
                // The widget on a shop's page imports the client as a module from this server:
                // module scripts are fetched with CORS. Scripts are public; pages are not shared.
                if asset.contentType.hasPrefix("text/javascript") { headers.add(name: "Access-Control-Allow-Origin", value: "*") }
                if asset.contentType.hasPrefix("text/html") {
                    headers.add(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
                    headers.add(name: "Referrer-Policy", value: "no-referrer")
                }
                if head.headers["If-None-Match"].contains(etag) {
                    (status, body) = (.notModified, [])
                } else {
                    (status, body) = (.ok, head.method == .HEAD ? [] : asset.body)
                }
            } else {
                (status, body) = (.notFound, Array("not found\n".utf8))
            }
        }
        if !headers.contains(name: "Content-Type") { headers.add(name: "Content-Type", value: "text/plain") }
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        headers.add(name: "Content-Length", value: String(buffer.readableBytes))
        // One request per connection: NIO accepts a WebSocket upgrade only as a connection's first
        // request, and clients that reuse connections (Node's fetch and WebSocket) would get a
        // plain answer to their upgrade on a kept-alive one.
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// A 64-bit FNV-1a hash: the asset's ETag (stable across runs, changes with the bytes).
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
