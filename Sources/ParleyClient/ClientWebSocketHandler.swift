import NIOCore
import NIOWebSocket
import ParleyCompression
import ParleyCore
import ParleyTransport
import ParleyWire

/// The WebSocket binding on the client side: masked frames out, reassembled (and, with
/// permessage-deflate, inflated) messages in.
final class ClientWebSocketHandler: ChannelDuplexHandler, ClientEventHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = ClientOutbound
    typealias OutboundOut = WebSocketFrame

    let continuation: AsyncStream<ClientConnection.Event>.Continuation
    private let binding: Binding
    private let webSocket: WebSocketFacts
    private let deflate: ClientDeflate?
    private var partial: ByteBuffer?
    private var partialOpcode: WebSocketOpcode = .text
    private var partialCompressed = false

    init(continuation: AsyncStream<ClientConnection.Event>.Continuation, binding: Binding, webSocket: WebSocketFacts, deflate: ClientDeflate?) {
        self.continuation = continuation
        self.binding = binding
        self.webSocket = webSocket
        self.deflate = deflate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            if frame.opcode != .continuation {
                partialOpcode = frame.opcode
                partialCompressed = frame.rsv1
            }
            var data = frame.unmaskedData
            if partial == nil { partial = data } else { partial!.writeBuffer(&data) }
            guard frame.fin, let message = partial else { return }
            partial = nil
            var bytes = Array(message.readableBytesView)
            if partialCompressed {
                guard let deflate else {
                    continuation.yield(.undecodable(WireError(.decompressionFailed, "a compressed message without permessage-deflate")))
                    return
                }
                do {
                    bytes = try deflate.decoder.decompress(bytes)
                } catch {
                    continuation.yield(.undecodable(WireError(.decompressionFailed, "\(error)")))
                    return
                }
            }
            let result = Result { () throws(WireError) in
                partialOpcode == .text ? try Message.decodeJSON(bytes) : try Message.decodeBinary(bytes)
            }
            switch result {
            case .success(let message): continuation.yield(.message(message))
            case .failure(let error): continuation.yield(.undecodable(error))
            }
        case .connectionClose:
            var data = frame.unmaskedData
            if let status = data.readInteger(as: UInt16.self) { webSocket.closeStatus.withTSanVisibleLock { $0 = status } }
            context.close(promise: nil)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        default:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let text = binding == .webSocketJSON
        let (isText, bytes, compressed): (Bool, [UInt8], Bool) = switch unwrapOutboundIn(data) {
        case .message(let message): (text, text ? message.json : message.binary, false)
        case .raw(let text, let bytes): (text, bytes, false)
        case .deflated(let text, let bytes): (text, bytes, true)
        case .compressed(let message): (text, deflate?.compress(text ? message.json : message.binary) ?? [], true)
        }
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        let frame = WebSocketFrame(fin: true, rsv1: compressed, opcode: isText ? .text : .binary, maskKey: .random(), data: buffer)
        context.write(wrapOutboundOut(frame), promise: promise)
    }
}

/// A connection's permessage-deflate codec (no context takeover either way, as the client
/// offers it).
final class ClientDeflate {
    let decoder: PerMessageDeflateDecoder
    private let encoder: PerMessageDeflateEncoder

    /// A codec inflating messages up to `maxMessage` bytes; `nil` if zlib cannot start.
    init?(maxMessage: Int) {
        guard let decoder = try? PerMessageDeflateDecoder(noContextTakeover: true, maxMessage: maxMessage),
              let encoder = try? PerMessageDeflateEncoder(windowBits: 15, noContextTakeover: true) else { return nil }
        self.decoder = decoder
        self.encoder = encoder
    }

    /// `message` deflated as COMP-15 says (the sync flush's last four bytes removed).
    func compress(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        try? encoder.compress(message, appendingTo: &out)
        return out
    }
}
