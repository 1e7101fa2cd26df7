import NIOCore
import ParleyCompression
import ParleyCore
import ParleyServer
import ParleyWire

/// The byte-stream binding on a NIO channel: bytes in any split → frames → messages, handed
/// to the server; a decoding error goes to the server, which answers and closes (ERR-3).
final class StreamChannelHandler: ServerConnectionHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let acceptor: any ConnectionAcceptor
    private var decoder: FrameDecoder
    var inbound: (any InboundConnection)?
    private var stopped = false
    private let compression: StreamCompression
    private let closeLinger: TimeAmount

    init(acceptor: any ConnectionAcceptor, maxPayload: Int, maxMessage: Int, closeLinger: TimeAmount) {
        self.acceptor = acceptor
        self.closeLinger = closeLinger
        self.decoder = FrameDecoder(maxPayload: maxPayload)
        self.compression = StreamCompression(maxMessage: maxMessage)
    }

    func channelActive(context: ChannelHandlerContext) {
        let shared = NIOLoopBound(compression, eventLoop: context.eventLoop)
        inbound = acceptor.accept(
            NIOTransport(channel: context.channel, binding: .stream, closeLinger: closeLinger, compression: shared), binding: .stream,
            from: SourceAddress(peer: context.channel.remoteAddress))
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TransportClosing { stopped = true }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped, let inbound else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { decoder.append($0) }
        decoder.allowsCompression = compression.isOn
        do {
            while let frame = try decoder.next() {
                do {
                    inbound.receive(try FramePayloadInflater.message(in: frame, inflater: compression.inflater))
                } catch where !error.code.isFatal {
                    inbound.fail(error, messageType: BinaryPayload.messageType(frame.payload))  // VER-4: the stream goes on.
                }
            }
        } catch {
            stopped = true
            inbound.fail(error)
        }
    }
}
