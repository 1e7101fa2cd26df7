import NIOCore
import ParleyWire

/// Decodes the byte-stream binding on the client side into ``ClientConnection/Event``s.
final class ClientStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncStream<ClientConnection.Event>.Continuation
    private var decoder: FrameDecoder

    init(continuation: AsyncStream<ClientConnection.Event>.Continuation, maxPayload: Int) {
        self.continuation = continuation
        self.decoder = FrameDecoder(maxPayload: maxPayload)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { decoder.append($0) }
        do {
            while let frame = try decoder.next() {
                do {
                    continuation.yield(.message(try Message.decodeBinary(frame.payload)))
                } catch {
                    continuation.yield(.undecodable(error))
                }
            }
        } catch {
            continuation.yield(.undecodable(error))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.yield(.closed)
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
