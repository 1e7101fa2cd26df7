import NIOCore

/// One load-generator connection to a NATS server: `CONNECT` (not verbose) once the server's
/// `INFO` arrives, then a publisher's `PUB`s (which NATS does not answer) or a subscriber's
/// `SUB` and the `MSG`s it gets; the server's `PING`s answered with `PONG`.
///
/// Confined to its channel's event loop, like every bench connection.
final class NATSPeer: ChannelInboundHandler, PubSubPeer, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    let channel: any Channel
    let meter: ConnectionMeter
    var answers: ((UInt64, PublishAnswer) -> Void)?
    private let decoder = NIOSingleStepByteToMessageProcessor(NATSDecoder())
    /// Promises of the `PING`s sent, answered in order; the first one is the handshake's.
    private var pongs = CircularBuffer<EventLoopPromise<Void>>()
    /// The server's last `-ERR`, for the error of a connection it closes.
    private var lastError: String?
    /// Whether `CONNECT` went out (after the first `INFO`; later ones only update cluster facts).
    private var connected = false

    init(channel: any Channel, meter: ConnectionMeter) {
        self.channel = channel
        self.meter = meter
    }

    /// The `CONNECT` the bench sends: no `+OK` per command, no subject checks.
    static let connect: StaticString = "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"parley-bench\"}\r\nPING\r\n"

    static func open(_ dialer: BenchDialer, index: Int, slow: BenchDialer.SlowReading?) async throws -> NATSPeer {
        try await dialer.open(index: index, slow: slow) { channel, meter in
            let peer = NATSPeer(channel: channel, meter: meter)
            let ready = channel.eventLoop.makePromise(of: Void.self)
            peer.pongs.append(ready)
            try channel.pipeline.syncOperations.addHandler(peer)
            return ready.futureResult.map { peer }
        }
    }

    func subscribe(to name: String) async throws {
        try await channel.eventLoop.flatSubmit {
            let promise = self.channel.eventLoop.makePromise(of: Void.self)
            guard !self.isClosed else {
                promise.fail(BenchError.connectionClosed(nil))
                return promise.futureResult
            }
            self.pongs.append(promise)
            self.write("SUB \(name) 1\r\nPING\r\n")
            self.channel.flush()
            return promise.futureResult
        }.get()
    }

    func publish(_ text: [UInt8], probe: Probe, room: Publisher.Room) -> UInt64? {
        var buffer = channel.allocator.buffer(capacity: 32 + room.name.utf8.count + text.count)
        buffer.writeString("PUB \(room.name) \(text.count)\r\n")
        buffer.writeBytes(text)
        buffer.writeStaticString("\r\n")
        channel.write(buffer, promise: nil)
        return nil
    }

    private func write(_ text: String) {
        channel.write(channel.allocator.buffer(string: text), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try decoder.process(buffer: unwrapInboundIn(data)) { reply in try handle(reply) }
        } catch {
            context.close(promise: nil)
        }
    }

    private func handle(_ reply: NATSReply) throws {
        switch reply {
        case .message(_, let payload):
            payload.withUnsafeReadableBytes { meter.receive($0) }
        case .ping:
            write("PONG\r\n")
        case .pong:
            guard let promise = pongs.popFirst() else { throw BenchError.malformed("an unasked PONG") }
            promise.succeed(())
        case .info:
            guard !connected else { return }
            connected = true
            channel.write(channel.allocator.buffer(staticString: Self.connect), promise: nil)
            channel.flush()
        case .error(let text):
            lastError = text
        case .ok:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        meter.readComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        meter.closed()
        let error = lastError.map { BenchError.invalid("the NATS server closed the connection: \($0)") } ?? BenchError.connectionClosed(nil)
        while let promise = pongs.popFirst() { promise.fail(error) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
