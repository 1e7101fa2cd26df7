import NIOCore
import NIOWebSocket
import ParleyCore
import ParleyServer
import ParleyWire

/// The WebSocket binding on the client side: masked frames out, reassembled messages in.
final class ClientWebSocketHandler: ChannelDuplexHandler, ClientEventHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = ClientOutbound
    typealias OutboundOut = WebSocketFrame

    let continuation: AsyncStream<ClientConnection.Event>.Continuation
    private let binding: Binding
    private let closeStatus: CloseStatusBox
    private var partial: ByteBuffer?
    private var partialOpcode: WebSocketOpcode = .text

    init(continuation: AsyncStream<ClientConnection.Event>.Continuation, binding: Binding, closeStatus: CloseStatusBox) {
        self.continuation = continuation
        self.binding = binding
        self.closeStatus = closeStatus
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            if frame.opcode != .continuation { partialOpcode = frame.opcode }
            var data = frame.unmaskedData
            if partial == nil { partial = data } else { partial!.writeBuffer(&data) }
            guard frame.fin, let message = partial else { return }
            partial = nil
            let result = message.withUnsafeReadableBytes { raw in
                Result { () throws(WireError) in
                    partialOpcode == .text ? try Message.decodeJSON(raw) : try Message.decodeBinary(raw)
                }
            }
            switch result {
            case .success(let message): continuation.yield(.message(message))
            case .failure(let error): continuation.yield(.undecodable(error))
            }
        case .connectionClose:
            var data = frame.unmaskedData
            if let status = data.readInteger(as: UInt16.self) { closeStatus.value.withTSanVisibleLock { $0 = status } }
            context.close(promise: nil)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        default:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let (text, bytes): (Bool, [UInt8]) = switch unwrapOutboundIn(data) {
        case .message(let message): binding == .webSocketJSON ? (true, message.json) : (false, message.binary)
        case .raw(let text, let bytes): (text, bytes)
        }
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        let frame = WebSocketFrame(fin: true, opcode: text ? .text : .binary, maskKey: .random(), data: buffer)
        context.write(wrapOutboundOut(frame), promise: promise)
    }
}
