import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import ParleyCore
import ParleyTransport
import ParleyWire
import Synchronization

/// A raw Parley connection from the client side: sends messages, and delivers what the
/// server sends as an async stream. It knows the bindings, not the session rules; the
/// conformance runner uses it to send exactly what a scenario says.
public final class ClientConnection: Sendable {
    /// What arrives from the server.
    public enum Event: Sendable {
        /// A decoded message.
        case message(Message)
        /// Bytes that did not decode (the server broke the protocol).
        case undecodable(WireError)
        /// The connection closed.
        case closed
    }

    /// Everything the server sends, in order, ending with `.closed`.
    public let events: AsyncStream<Event>
    private let backend: Backend
    private let binding: Binding
    private let webSocket: WebSocketFacts

    /// The status code of the WebSocket close frame the server sent, once one arrived (WS-4);
    /// `nil` on the byte stream or before the close.
    public var webSocketCloseStatus: UInt16? { webSocket.closeStatus.withTSanVisibleLock { $0 } }

    /// Whether the server accepted the permessage-deflate offer (``Endpoint/offersPerMessageDeflate``).
    public var perMessageDeflate: Bool { webSocket.deflate.withTSanVisibleLock { $0 } }

    /// What carries the connection.
    private enum Backend: Sendable {
        case channel(Channel)
        case inProcess(InProcessConnection)
    }

    private init(channel: Channel, binding: Binding, events: AsyncStream<Event>, webSocket: WebSocketFacts? = nil) {
        self.backend = .channel(channel)
        self.webSocket = webSocket ?? WebSocketFacts()
        self.binding = binding
        self.events = events
    }

    private init(inProcess: InProcessConnection, events: AsyncStream<Event>) {
        self.backend = .inProcess(inProcess)
        self.webSocket = WebSocketFacts()
        self.binding = .inProcess
        self.events = events
    }

    /// Connects to a server in the same process (no sockets, no encoding), such as a
    /// `ParleyServer`.
    public static func connect(inProcess server: any ConnectionAcceptor) -> ClientConnection {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let connection = InProcessConnection.connect(
            to: server, onMessage: { continuation.yield(.message($0)) },
            onClose: {
                continuation.yield(.closed)
                continuation.finish()
            })
        return ClientConnection(inProcess: connection, events: events)
    }

    /// Connects to `endpoint` on `group` (a shared event loop group; the default is NIO's singleton).
    public static func connect(
        to endpoint: Endpoint, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maxPayload: Int = Frame.maxPayloadLimit
    ) async throws -> ClientConnection {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        switch endpoint.binding {
        case .stream, .inProcess:
            let channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ClientStreamHandler(continuation: continuation, maxPayload: maxPayload))
                    }
                }
                .bind(toLocal: endpoint.localAddress)
                .connect(host: endpoint.host, port: endpoint.port).get()
            return ClientConnection(channel: channel, binding: .stream, events: events)
        case .webSocketJSON, .webSocketBinary:
            let upgraded = group.next().makePromise(of: Void.self)
            let webSocket = WebSocketFacts()
            let channel: Channel
            do {
                channel = try await ClientBootstrap(group: group)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        WebSocketClientSetup.configure(
                            channel, endpoint: endpoint, continuation: continuation, upgraded: upgraded, webSocket: webSocket)
                    }
                    .bind(toLocal: endpoint.localAddress)
                    .connect(host: endpoint.host, port: endpoint.port).get()
            } catch {
                upgraded.fail(error)
                throw error
            }
            try await upgraded.futureResult.get()
            return ClientConnection(channel: channel, binding: endpoint.binding, events: events, webSocket: webSocket)
        }
    }

    /// Sends one message in the connection's encoding.
    public func send(_ message: Message) {
        switch (backend, binding) {
        case (.inProcess(let connection), _):
            connection.send(message)
        case (.channel, .stream), (.channel, .inProcess):
            var bytes: [UInt8] = []
            Frame.encode(message, into: &bytes)
            sendRaw(bytes)
        case (.channel(let channel), .webSocketJSON), (.channel(let channel), .webSocketBinary):
            channel.writeAndFlush(ClientOutbound.message(message), promise: nil)
        }
    }

    /// Sends bytes exactly as given (byte-stream binding; conformance checks of bad input).
    public func sendRaw(_ bytes: [UInt8]) {
        guard case .channel(let channel) = backend else { return }
        channel.eventLoop.execute {
            var buffer = channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            channel.writeAndFlush(buffer, promise: nil)
        }
    }

    /// Sends a WebSocket message of the given kind holding `bytes` (WebSocket bindings only).
    public func sendWebSocket(text: Bool, _ bytes: [UInt8]) {
        guard case .channel(let channel) = backend else { return }
        channel.writeAndFlush(ClientOutbound.raw(text: text, bytes), promise: nil)
    }

    /// Sends `message` compressed (COMP-15: RSV1 set), on a connection whose server accepted
    /// permessage-deflate; `false` (nothing sent) otherwise.
    @discardableResult
    public func sendCompressed(_ message: Message) -> Bool {
        guard perMessageDeflate, case .channel(let channel) = backend else { return false }
        channel.writeAndFlush(ClientOutbound.compressed(message), promise: nil)
        return true
    }

    /// Sends `deflated` exactly as given as one message with RSV1 set, of the connection's
    /// kind (text for JSON): raw DEFLATE data the server must inflate (a conformance check's
    /// corrupt data or decompression bomb). `false` (nothing sent) without permessage-deflate.
    @discardableResult
    public func sendDeflated(_ deflated: [UInt8]) -> Bool {
        guard perMessageDeflate, case .channel(let channel) = backend else { return false }
        channel.writeAndFlush(ClientOutbound.deflated(text: binding == .webSocketJSON, deflated), promise: nil)
        return true
    }

    /// Closes the connection without a goodbye (as a dropped network would).
    public func close() {
        switch backend {
        case .channel(let channel): channel.close(promise: nil)
        case .inProcess(let connection): connection.disconnect()
        }
    }
}

/// What the client asks its WebSocket handler to write.
enum ClientOutbound: Sendable {
    case message(Message)
    case raw(text: Bool, [UInt8])
    /// A message to compress with the negotiated permessage-deflate.
    case compressed(Message)
    /// Bytes sent as a compressed message (RSV1) exactly as given.
    case deflated(text: Bool, [UInt8])
}

/// What the WebSocket side learns for the connection: the close frame's status code, and
/// whether the upgrade accepted permessage-deflate.
final class WebSocketFacts: Sendable {
    let closeStatus = Mutex<UInt16?>(nil)
    let deflate = Mutex(false)
}

extension ClientBootstrap {
    /// Binds the client socket to local IP `address` when one is given (ABUSE-1 tests).
    func bind(toLocal address: String?) throws -> ClientBootstrap {
        guard let address else { return self }
        return bind(to: try SocketAddress(ipAddress: address, port: 0))
    }
}
