import NIOCore
import NIOEmbedded
import NIOWebSocket
import ParleyCore
@testable import ParleyNIO
import ParleyTransport
import ParleyWire
import Testing

/// An idle WebSocket connection holds none of the buffers its largest message was encoded in
/// (a welcome, a history page): every visitor with the widget open holds a connection (idle
/// memory, issue 17).
@Suite struct WebSocketIdleBufferTests {
    /// Accepts nothing: the channel below never becomes active, so no connection is opened.
    struct NoServer: ConnectionAcceptor {
        func accept(
            _ transport: any ConnectionTransport, profile: ConnectionProfile, from address: SourceAddress, identity: AuthenticatedIdentity?
        ) -> any InboundConnection {
            preconditionFailure("no connection is accepted in this test")
        }
    }

    @Test("once a write is flushed, the WebSocket handler and its codec hold no outbound buffer", arguments: [Binding.webSocketJSON, .webSocketBinary])
    func flushReleasesTheBuffers(binding: Binding) throws {
        let handler = try WebSocketChannelHandler(
            acceptor: NoServer(), profile: ConnectionProfile(binding: binding), source: .loopback, identity: nil, closeLinger: .seconds(1))
        let channel = EmbeddedChannel(handler: handler)
        defer { _ = try? channel.finish() }
        let large = Message.error(Wire.ErrorReply(code: 1, message: String(repeating: "a history page's worth ", count: 100)))
        try channel.writeOutbound(WebSocketOutbound.item(.message(large)))  // a write, then a flush
        let frame = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(frame.data.readableBytes > 2_000, "the message was written")
        #expect(handler.retainedBufferBytes == 0, "\(handler.retainedBufferBytes) bytes of buffers held after the flush")
    }
}
