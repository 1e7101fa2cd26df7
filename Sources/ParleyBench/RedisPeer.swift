import NIOCore

/// One load-generator connection to a Redis server (RESP2): a publisher's `PUBLISH` and the
/// integer answering each, or a subscriber's `SUBSCRIBE` and the `message` pushes it gets.
///
/// Confined to its channel's event loop, like every bench connection.
final class RedisPeer: ChannelInboundHandler, PubSubPeer, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    /// An answer the connection waits for; Redis answers commands in order.
    private enum Awaited {
        case publish(ticket: UInt64)
        case subscribe(EventLoopPromise<Void>)
    }

    let channel: any Channel
    let meter: ConnectionMeter
    var answers: ((UInt64, PublishAnswer) -> Void)?
    private let decoder = NIOSingleStepByteToMessageProcessor(RESPDecoder())
    private var awaited = CircularBuffer<Awaited>()
    private var nextTicket: UInt64 = 0

    init(channel: any Channel, meter: ConnectionMeter) {
        self.channel = channel
        self.meter = meter
    }

    static func open(_ dialer: BenchDialer, index: Int, slow: BenchDialer.SlowReading?) async throws -> RedisPeer {
        try await dialer.open(index: index, slow: slow) { channel, meter in
            let peer = RedisPeer(channel: channel, meter: meter)
            try channel.pipeline.syncOperations.addHandler(peer)
            return channel.eventLoop.makeSucceededFuture(peer)
        }
    }

    func subscribe(to name: String) async throws {
        try await channel.eventLoop.flatSubmit {
            let promise = self.channel.eventLoop.makePromise(of: Void.self)
            guard !self.isClosed else {
                promise.fail(BenchError.connectionClosed(nil))
                return promise.futureResult
            }
            self.awaited.append(.subscribe(promise))
            self.write("SUBSCRIBE", name)
            self.channel.flush()
            return promise.futureResult
        }.get()
    }

    func publish(_ text: [UInt8], probe: Probe, room: Publisher.Room) -> UInt64? {
        nextTicket += 1
        awaited.append(.publish(ticket: nextTicket))
        write("PUBLISH", room.name, text)
        return nextTicket
    }

    /// Writes `command argument [payload]` as a RESP array of bulk strings (without flushing).
    private func write(_ command: StaticString, _ argument: String, _ payload: [UInt8]? = nil) {
        var buffer = channel.allocator.buffer(capacity: 48 + argument.utf8.count + (payload?.count ?? 0))
        buffer.writeString("*\(payload == nil ? 2 : 3)\r\n$\(command.utf8CodeUnitCount)\r\n")
        buffer.writeStaticString(command)
        buffer.writeString("\r\n$\(argument.utf8.count)\r\n\(argument)\r\n")
        if let payload {
            buffer.writeString("$\(payload.count)\r\n")
            buffer.writeBytes(payload)
            buffer.writeStaticString("\r\n")
        }
        channel.write(buffer, promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try decoder.process(buffer: unwrapInboundIn(data)) { reply in try handle(reply) }
        } catch {
            context.close(promise: nil)
        }
    }

    private func handle(_ reply: RESPReply) throws {
        switch reply {
        case .message(_, let payload):
            payload.withUnsafeReadableBytes { meter.receive($0) }
        case .subscribed:
            guard case .subscribe(let promise)? = awaited.popFirst() else { throw BenchError.malformed("an unasked subscription") }
            promise.succeed(())
        case .integer:
            guard case .publish(let ticket)? = awaited.popFirst() else { throw BenchError.malformed("an unasked integer") }
            answers?(ticket, .accepted)
        case .error(let text):
            switch awaited.popFirst() {
            case .publish(let ticket)?: answers?(ticket, .refused(text))
            case .subscribe(let promise)?: promise.fail(BenchError.invalid("SUBSCRIBE refused: \(text)"))
            case nil: throw BenchError.malformed("an error nothing asked for: \(text)")
            }
        case .status, .other:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) { meter.readComplete() }

    func channelInactive(context: ChannelHandlerContext) {
        meter.closed()
        while let next = awaited.popFirst() {
            if case .subscribe(let promise) = next { promise.fail(BenchError.connectionClosed(nil)) }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
