import NIOCore

/// What the client's stream and WebSocket handlers share: they turn the channel's end into one
/// `.closed` event that finishes the connection's stream, and close on a channel error.
protocol ClientEventHandler: ChannelInboundHandler {
    /// Where the connection's events go.
    var continuation: AsyncStream<ClientConnection.Event>.Continuation { get }
}

extension ClientEventHandler {
    func channelInactive(context: ChannelHandlerContext) {
        continuation.yield(.closed)
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
