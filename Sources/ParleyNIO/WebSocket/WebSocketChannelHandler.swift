import NIOCore
import NIOWebSocket
import ParleyCore
import ParleyTransport
import ParleyWire

/// The WebSocket binding (WS-1…WS-4) after the upgrade: reassembles fragmented messages,
/// answers control frames, and converts between WebSocket messages and Parley messages with
/// the connection's ``ConnectionCodec`` (the negotiated encoding and permessage-deflate).
final class WebSocketChannelHandler: ChannelDuplexHandler, ServerConnectionHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketOutbound
    typealias OutboundOut = WebSocketFrame

    private let acceptor: any ConnectionAcceptor
    private let codec: ConnectionCodec
    private let source: SourceAddress
    /// Who the application's login established the client to be (SESSION-38), or `nil`.
    private let identity: AuthenticatedIdentity?
    var inbound: (any InboundConnection)?
    private var partial: ByteBuffer?
    private var partialOpcode: WebSocketOpcode = .text
    private var partialCompressed = false
    /// The encoded message, reused for every outbound item.
    private var scratch: [UInt8] = []
    private let closeLinger: TimeAmount
    /// Whether the server sent its close frame: the peer's answering close frame then ends
    /// the connection without a second one (RFC 6455 §5.5.1).
    private var closeSent = false

    /// - Parameters:
    ///   - profile: the negotiated subprotocol's binding, permessage-deflate if negotiated
    ///     (COMP-9…COMP-18), and the message limit (WS-3).
    ///   - source: the client's address, from the upgrade request (ABUSE-13).
    /// - Throws: `INTERNAL_ERROR` if the negotiated compression cannot be set up.
    ///   - identity: who the application's login established the client to be, or `nil`.
    init(
        acceptor: any ConnectionAcceptor, profile: ConnectionProfile, source: SourceAddress, identity: AuthenticatedIdentity?, closeLinger: TimeAmount
    ) throws(WireError) {
        self.acceptor = acceptor
        self.identity = identity
        self.closeLinger = closeLinger
        self.source = source
        codec = try ConnectionCodec(profile: profile)
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
        inbound = acceptor.accept(NIOTransport(channel: context.channel, output: .webSocket, closeLinger: closeLinger), profile: codec.profile, from: source, identity: identity)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TransportClosing { codec.stop() }
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
        case .text where codec.isStopped, .binary where codec.isStopped, .continuation where codec.isStopped:
            break  // ERR-3: input after a fatal error or the server's close is read and discarded.
        case .text, .binary:
            guard partial == nil else { return fail(WireError(.malformedMessage, "a new WebSocket message began inside a fragmented one")) }
            partialOpcode = frame.opcode
            partialCompressed = frame.rsv1
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
        if let refused = codec.checkWebSocketMessage(byteCount: partial!.readableBytes, compressed: partialCompressed) { return deliver(refused) }
        guard frame.fin else { return }
        let message = partial!
        partial = nil
        let kind: WebSocketMessageKind = partialOpcode == .text ? .text : .binary
        let compressed = partialCompressed
        let item = message.withUnsafeReadableBytes { codec.decode(webSocketMessage: $0, kind: kind, compressed: compressed) }
        if let item { deliver(item) }
    }

    /// A failure of the WebSocket framing itself: decoding stops and the server answers (ERR-3).
    private func fail(_ error: WireError) {
        if let item = codec.fail(error) { deliver(item) }
    }

    private func deliver(_ item: InboundItem) {
        inbound?.deliver(item)
    }

    /// The bytes of capacity the handler's and its codec's reused outbound buffers hold now.
    var retainedBufferBytes: Int { scratch.capacity + codec.bufferCapacity }

    /// A write ends: the reused buffers are freed, so an idle connection holds none of them.
    func flush(context: ChannelHandlerContext) {
        scratch = []
        codec.releaseBuffers()
        context.flush()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .item(let item):
            scratch.removeAll(keepingCapacity: true)
            let encoded = codec.encode(item, appendingTo: &scratch)
            var buffer = context.channel.allocator.buffer(capacity: scratch.count)
            buffer.writeBytes(scratch)
            let opcode: WebSocketOpcode = encoded.kind == .text ? .text : .binary
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, rsv1: encoded.compressed, opcode: opcode, data: buffer)), promise: promise)
        case .close(let reason):
            closeSent = true
            var buffer = context.channel.allocator.buffer(capacity: 2)
            buffer.writeInteger(WebSocketCloseStatus.status(for: reason))
            if let reason { buffer.writeString(reason.name) }
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer)), promise: promise)
        }
    }
}
