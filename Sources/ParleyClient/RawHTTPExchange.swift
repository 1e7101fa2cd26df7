import NIOCore
import NIOPosix

/// Sends one hand-written HTTP request on a fresh TCP connection and returns the response head
/// (everything up to the blank line, or what came before the server closed). The conformance
/// suite uses it to check WebSocket upgrade answers (WS-1, COMP-10…14) byte for byte.
public enum RawHTTPExchange {
    /// Writes `request` to `host:port` and reads until the end of the response head, for at
    /// most `withinMs` (then returns what arrived, possibly nothing); the connection is closed
    /// afterwards.
    public static func send(
        _ request: [UInt8], host: String, port: Int, withinMs: Int64 = 2_000,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> [UInt8] {
        let loop = group.next()
        let done = loop.makePromise(of: [UInt8].self)
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ResponseHeadCollector(done: done))
                }
            }
            .connect(host: host, port: port).get()
        let timeout = loop.scheduleTask(in: .milliseconds(withinMs)) { channel.close(promise: nil) }
        var buffer = channel.allocator.buffer(capacity: request.count)
        buffer.writeBytes(request)
        channel.writeAndFlush(buffer, promise: nil)
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        return try await done.futureResult.get()
    }
}

/// Collects bytes until the blank line ending an HTTP head, or the close.
private final class ResponseHeadCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let done: EventLoopPromise<[UInt8]>
    private var bytes: [UInt8] = []
    private var finished = false
    private static let end: [UInt8] = Array("\r\n\r\n".utf8)

    init(done: EventLoopPromise<[UInt8]>) {
        self.done = done
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        bytes += buffer.readableBytesView
        if let range = bytes.firstRange(of: Self.end) { finish(Array(bytes[..<range.upperBound])) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(bytes)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func finish(_ head: [UInt8]) {
        guard !finished else { return }
        finished = true
        done.succeed(head)
    }
}
