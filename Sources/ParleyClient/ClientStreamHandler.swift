import NIOCore
import ParleyCompression
import ParleyTransport
import ParleyWire

/// Decodes the byte-stream binding on the client side into ``ClientConnection/Event``s.
final class ClientStreamHandler: ClientEventHandler {
    typealias InboundIn = ByteBuffer

    let continuation: AsyncStream<ClientConnection.Event>.Continuation
    private var decoder: FrameDecoder
    /// Set once a welcome announces per-frame compression (COMP-2).
    private var inflater: FramePayloadInflater?

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
                    let message = try frame.message(inflater: inflater)
                    if case .welcome(let welcome) = message, welcome.compression?.enabled == true {
                        inflater = try? FramePayloadInflater(negotiated: true, maxMessage: Int(clamping: welcome.limits.maxMessage))
                        decoder.allowsCompression = inflater != nil
                    }
                    continuation.yield(.message(message))
                } catch {
                    continuation.yield(.undecodable(error))
                }
            }
        } catch {
            continuation.yield(.undecodable(error))
            context.close(promise: nil)
        }
    }
}
