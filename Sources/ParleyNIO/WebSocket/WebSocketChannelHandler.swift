import NIOCore
import NIOWebSocket
import ParleyCompression
import ParleyCore
import ParleyServer
import ParleyWire

/// The WebSocket binding (WS-1…WS-4) after the upgrade: reassembles fragmented messages,
/// answers control frames, and converts between WebSocket messages and Parley messages in
/// the negotiated encoding (JSON in text messages, binary payloads in binary messages).
final class WebSocketChannelHandler: ChannelDuplexHandler, ServerConnectionHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketOutbound
    typealias OutboundOut = WebSocketFrame

    private let acceptor: any ConnectionAcceptor
    private let binding: Binding
    private let maxMessage: Int
    private let source: SourceAddress
    var inbound: (any InboundConnection)?
    private var partial: ByteBuffer?
    private var partialOpcode: WebSocketOpcode = .text
    private var partialCompressed = false
    private var stopped = false
    private var scratch: [UInt8] = []
    private var compressed: [UInt8] = []
    private let encoder: PerMessageDeflateEncoder?
    private let decoder: PerMessageDeflateDecoder?
    private let closeLinger: TimeAmount
    /// Whether the server sent its close frame: the peer's answering close frame then ends
    /// the connection without a second one (RFC 6455 §5.5.1).
    private var closeSent = false

    /// - Parameters:
    ///   - source: the client's address, from the upgrade request (ABUSE-13).
    ///   - deflate: the negotiated permessage-deflate parameters, if any (COMP-9…COMP-18).
    init(
        acceptor: any ConnectionAcceptor, binding: Binding, source: SourceAddress, maxMessage: Int,
        deflate: PerMessageDeflateParameters?, closeLinger: TimeAmount
    ) throws {
        self.acceptor = acceptor
        self.closeLinger = closeLinger
        self.source = source
        self.binding = binding
        self.maxMessage = maxMessage
        if let deflate {
            encoder = try PerMessageDeflateEncoder(serverSideOf: deflate)
            decoder = try PerMessageDeflateDecoder(serverSideOf: deflate, maxMessage: maxMessage)
        } else {
            encoder = nil
            decoder = nil
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard inbound == nil else { return }
        inbound = acceptor.accept(NIOTransport(channel: context.channel, binding: binding, closeLinger: closeLinger), binding: binding, from: source)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TransportClosing { stopped = true }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose where closeSent:
            context.close(promise: nil)
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readInteger(as: UInt16.self) ?? 1000
            var reply = context.channel.allocator.buffer(capacity: 2)
            reply.writeInteger(code)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: reply)))
                .whenComplete { _ in channel.close(promise: nil) }
        case .text where stopped, .binary where stopped, .continuation where stopped:
            break  // ERR-3: input after a fatal error or the server's close is read and discarded.
        case .text, .binary:
            guard partial == nil else { return fail(WireError(.malformedMessage, "a new WebSocket message began inside a fragmented one")) }
            partialOpcode = frame.opcode
            partialCompressed = frame.rsv1
            guard !frame.rsv1 || decoder != nil else {
                return fail(WireError(.compressionNotNegotiated, "RSV1 set but permessage-deflate was not negotiated (COMP-9)"))
            }
            append(frame)
        case .continuation:
            guard partial != nil else { return fail(WireError(.malformedMessage, "a continuation frame without a message")) }
            append(frame)
        default:
            break
        }
    }

    private func append(_ frame: WebSocketFrame) {
        var data = frame.unmaskedData
        if partial == nil {
            partial = data
        } else {
            partial!.writeBuffer(&data)
        }
        guard partial!.readableBytes <= maxMessage else {
            return fail(WireError(.messageTooLarge, "a WebSocket message exceeds \(maxMessage) bytes (WS-3)"))
        }
        if frame.fin {
            var message = partial!
            partial = nil
            if partialCompressed, let decoder {
                do {
                    let inflated = try decoder.decompress(message.readBytes(length: message.readableBytes) ?? [])
                    message = ByteBuffer(bytes: inflated)
                } catch {
                    return fail(error.wireError)
                }
            }
            deliver(message, opcode: partialOpcode)
        }
    }

    private func deliver(_ buffer: ByteBuffer, opcode: WebSocketOpcode) {
        guard !stopped, let inbound else { return }
        let expected: WebSocketOpcode = binding == .webSocketJSON ? .text : .binary
        guard opcode == expected else {
            return fail(WireError(.encodingNotNegotiated, "a \(opcode == .text ? "text" : "binary") message under the other subprotocol (WS-2)"))
        }
        let result = buffer.withUnsafeReadableBytes { raw in
            Result { () throws(WireError) in
                binding == .webSocketJSON ? try Message.decodeJSON(raw) : try Message.decodeBinary(raw)
            }
        }
        switch result {
        case .success(let message): inbound.receive(message)
        case .failure(let error) where !error.code.isFatal:
            let type = binding == .webSocketBinary ? buffer.withUnsafeReadableBytes { BinaryPayload.messageType($0) } : nil
            inbound.fail(error, messageType: type)
        case .failure(let error): fail(error)
        }
    }

    private func fail(_ error: WireError) {
        guard !stopped else { return }
        stopped = true
        inbound?.fail(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .item(let item):
            scratch.removeAll(keepingCapacity: true)
            let json = binding == .webSocketJSON
            let opcode: WebSocketOpcode = json ? .text : .binary
            switch item {
            case .message(let message) where json: message.encodeJSON(into: &scratch)
            case .message(let message): message.encodeBinary(into: &scratch)
            case .event(let seq, let shared): shared.append(seq: seq, encoding: json ? .json : .binary, framed: false, to: &scratch)
            }
            var compress = false
            if let encoder {
                compressed.removeAll(keepingCapacity: true)
                compress = (try? encoder.compress(scratch, appendingTo: &compressed)) != nil
            }
            let bytes = compress ? compressed : scratch
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, rsv1: compress, opcode: opcode, data: buffer)), promise: promise)
        case .close(let reason):
            closeSent = true
            var buffer = context.channel.allocator.buffer(capacity: 2)
            buffer.writeInteger(WebSocketCloseStatus.status(for: reason))
            if let reason { buffer.writeString(reason.name) }
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer)), promise: promise)
        }
    }
}
