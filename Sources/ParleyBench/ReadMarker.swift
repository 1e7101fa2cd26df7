import NIOCore

/// First in every load-generator pipeline: tells the connection's meter when bytes arrive,
/// so deliveries are stamped with the time of the read that brought them and counted per read.
final class ReadMarker: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let meter: ConnectionMeter

    init(meter: ConnectionMeter) { self.meter = meter }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        meter.beginRead()
        context.fireChannelRead(data)
    }
}
