import NIOCore
import NIOWebSocket
import ParleyCompression
import ParleyWire

/// The byte-stream binding for a ``BenchPeer``: frames in any split → message payloads.
/// Compressed frames are accepted once a welcome announced compression (COMP-2; before that
/// one is `COMPRESSION_NOT_NEGOTIATED`, COMP-5) and inflated within the welcome's
/// `maxMessage` (COMP-6): a server that announces it compresses every payload over its
/// threshold (COMP-3), deliveries and a room's `list` result among them.
final class StreamBenchHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let peer: BenchPeer
    private var decoder = FrameDecoder(maxPayload: Frame.maxPayloadLimit)
    /// Set once a welcome announces per-frame compression.
    private var inflater: FramePayloadInflater?

    init(peer: BenchPeer) {
        self.peer = peer
        peer.onWelcome = { [unowned self] welcome in
            guard welcome.compression?.enabled == true else { return }
            inflater = try? FramePayloadInflater(negotiated: true, maxMessage: Int(clamping: welcome.limits.maxMessage))
            decoder.allowsCompression = inflater != nil
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        unwrapInboundIn(data).withUnsafeReadableBytes { decoder.append($0) }
        do {
            while let frame = try decoder.next() {
                guard frame.flags.contains(.compressed) else {
                    frame.payload.withUnsafeBytes { peer.receive($0) }
                    continue
                }
                guard let inflater else { throw WireError(.compressionNotNegotiated, "a compressed frame before the welcome") }
                try inflater.inflate(Array(frame.payload)).withUnsafeBytes { peer.receive($0) }
            }
        } catch {
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) { peer.readComplete() }

    func channelInactive(context: ChannelHandlerContext) {
        peer.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// The WebSocket binding for a ``BenchPeer``: whole messages (reassembled if fragmented) →
/// payloads, inflated if permessage-deflate was negotiated and the message has RSV1 set
/// (COMP-17); pings answered, a close frame closes.
final class WebSocketBenchHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let peer: BenchPeer
    /// The negotiated permessage-deflate, if the upgrade accepted the bench's offer.
    private let deflate: PerMessageDeflateDecoder?
    private var partial: ByteBuffer?
    private var compressed = false

    init(peer: BenchPeer, deflate: PerMessageDeflateDecoder?) {
        self.peer = peer
        self.deflate = deflate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            var data = frame.unmaskedData
            if partial == nil {
                partial = data
                compressed = frame.rsv1
            } else {
                partial!.writeBuffer(&data)
            }
            guard frame.fin, let message = partial else { return }
            partial = nil
            guard compressed else {
                message.withUnsafeReadableBytes { peer.receive($0) }
                return
            }
            guard let deflate, let inflated = try? deflate.decompress(Array(message.readableBytesView)) else {
                context.close(promise: nil)
                return
            }
            inflated.withUnsafeBytes { peer.receive($0) }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.write(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) { peer.readComplete() }

    func channelInactive(context: ChannelHandlerContext) {
        peer.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
