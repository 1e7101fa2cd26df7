import NIOCore
import ParleyTransport

/// What the stream and WebSocket server handlers share at the end of their pipelines: they
/// tell the server once that the transport closed, stop reading from a peer that does not
/// drain what it is sent (``ReadBackpressure``), and close on a channel error.
protocol ServerConnectionHandler: ChannelInboundHandler {
    /// The server side of the connection, `nil` before it is accepted and after it closed.
    var inbound: (any InboundConnection)? { get set }
}

extension ServerConnectionHandler {
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        ReadBackpressure.writabilityChanged(context.channel)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbound?.transportClosed()
        inbound = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
