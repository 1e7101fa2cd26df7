import NIOCore
import NIOWebSocket
import ParleyCompression
import ParleyWire

/// The byte-stream binding for a ``BenchPeer``: frames in any split → message payloads,
/// compressed frames inflated (a server that announces compression in its welcome compresses
/// every payload over its threshold, COMP-2, COMP-3: a room's `list` result among them).
final class StreamBenchHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let peer: BenchPeer
    private var decoder = FrameDecoder(maxPayload: Frame.maxPayloadLimit, allowsCompression: true)
    private let inflater = try? FramePayloadInflater(negotiated: true, maxMessage: Frame.maxPayloadLimit)

    init(peer: BenchPeer) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = BenchClock.now()
        unwrapInboundIn(data).withUnsafeReadableBytes { decoder.append($0) }
        do {
            while let frame = try decoder.next() {
                guard frame.flags.contains(.compressed) else {
                    frame.payload.withUnsafeBytes { peer.receive($0, now: now) }
                    continue
                }
                guard let inflater else { throw WireError(.decompressionFailed, "no inflater") }
                try inflater.inflate(Array(frame.payload)).withUnsafeBytes { peer.receive($0, now: now) }
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
/// payloads; pings answered, a close frame closes.
final class WebSocketBenchHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let peer: BenchPeer
    private var partial: ByteBuffer?

    init(peer: BenchPeer) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            var data = frame.unmaskedData
            if partial == nil { partial = data } else { partial!.writeBuffer(&data) }
            guard frame.fin, let message = partial else { return }
            partial = nil
            let now = BenchClock.now()
            message.withUnsafeReadableBytes { peer.receive($0, now: now) }
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
