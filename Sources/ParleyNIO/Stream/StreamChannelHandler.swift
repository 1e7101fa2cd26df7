import NIOCore
import ParleyCore
import ParleyTransport
import ParleyWire

/// The byte-stream binding on a NIO channel: hands the peer's bytes to the connection's
/// ``ConnectionCodec`` and what it decodes to the server; a decoding error goes to the server,
/// which answers and closes (ERR-3). The codec is shared with the connection's
/// ``NIOTransport``, on the channel's event loop, which encodes with it.
final class StreamChannelHandler: ServerConnectionHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let acceptor: any ConnectionAcceptor
    private let codec: ConnectionCodec
    var inbound: (any InboundConnection)?
    private let closeLinger: TimeAmount

    /// - Parameter profile: a `.stream` profile, with per-frame compression if the server
    ///   may announce it.
    init(acceptor: any ConnectionAcceptor, profile: ConnectionProfile, closeLinger: TimeAmount) throws(WireError) {
        self.acceptor = acceptor
        self.closeLinger = closeLinger
        self.codec = try ConnectionCodec(profile: profile)
    }

    func channelActive(context: ChannelHandlerContext) {
        let transport = NIOTransport(
            channel: context.channel, output: .stream(NIOLoopBound(codec, eventLoop: context.eventLoop)), closeLinger: closeLinger)
        inbound = acceptor.accept(transport, profile: codec.profile, from: SourceAddress(peer: context.channel.remoteAddress))
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TransportClosing { codec.stop() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let inbound else { return }
        unwrapInboundIn(data).withUnsafeReadableBytes { codec.receive($0) }
        while let item = codec.next() { inbound.deliver(item) }
    }
}
