import ParleyCore
import ParleyWire
import Synchronization

/// One Parley connection over a web framework's WebSocket (Hummingbird, Vapor): the framework
/// joins fragments, answers pings and does permessage-deflate; the bridge turns its whole
/// messages into Parley messages for the server and the server's output into messages for the
/// framework to send.
///
/// A framework adapter opens one per upgraded connection, feeds it what it reads, and drains
/// ``outgoing`` into the framework's writer:
///
/// ```swift
/// let bridge = WebSocketBridge.open(
///     to: server, binding: binding, limits: limits, from: address, identity: identity)
/// async let writing: Void = {
///     for await item in bridge.outgoing {
///         switch item {
///         case .message(.text, let bytes): try await outbound.write(.text(String(decoding: bytes, as: UTF8.self)))
///         case .message(.binary, let bytes): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
///         case .close(let code, let reason): try await outbound.close(.init(codeNumber: Int(code)), reason: reason)
///         }
///     }
/// }()
/// for try await message in inbound.messages(maxSize: limits.maxMessage) {
///     await bridge.whileReadingIsPaused()
///     bridge.receive(bytes, kind: kind)
/// }
/// bridge.peerClosed()
/// ```
///
/// Its ``ConnectionCodec`` is guarded by a lock: the server writes from whichever thread runs
/// its input, the adapter reads on its own task.
public final class WebSocketBridge: ConnectionTransport, Sendable {
    /// What the framework must send, in order.
    public enum Outgoing: Sendable, Hashable {
        /// A data message: text under `parley.v1.json`, binary under `parley.v1.binary` (WS-2).
        case message(WebSocketMessageKind, [UInt8])
        /// The close frame (WS-4): the status and the error's name; nothing follows it.
        case close(code: UInt16, reason: String)
    }

    private struct State {
        let codec: ConnectionCodec
        var inbound: (any InboundConnection)?
        var closed = false
        /// The server asked to stop reading (``setReading(_:)``), and who waits for it to resume.
        var paused = false
        var resumers: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>
    private let continuation: AsyncStream<Outgoing>.Continuation
    /// The messages and the close to send, in order; it finishes after the close, or when the
    /// peer closed first (``peerClosed()``).
    public let outgoing: AsyncStream<Outgoing>

    private init(profile: ConnectionProfile) {
        // Without compression the codec cannot fail to open.
        state = Mutex(State(codec: try! ConnectionCodec(profile: profile)))
        (outgoing, continuation) = AsyncStream.makeStream(of: Outgoing.self)
    }

    /// Opens a connection on `acceptor` for a WebSocket upgraded with `binding`'s subprotocol
    /// (``Binding/webSocketSubprotocol(offered:)``), from `address`; `identity` is who the
    /// application's login established the client to be, answered to a hello of scheme
    /// `transport` (SESSION-38), or `nil`. The framework inflates permessage-deflate itself, so
    /// no message reaches the bridge compressed.
    /// - Precondition: `binding` is `.webSocketJSON` or `.webSocketBinary`.
    public static func open(
        to acceptor: any ConnectionAcceptor, binding: Binding, limits: ConnectionProfile.Limits, from address: SourceAddress,
        identity: AuthenticatedIdentity?
    ) -> WebSocketBridge {
        precondition(binding == .webSocketJSON || binding == .webSocketBinary, "a WebSocket binding")
        let profile = ConnectionProfile(binding: binding, compression: nil, limits: limits)
        let bridge = WebSocketBridge(profile: profile)
        let inbound = acceptor.accept(bridge, profile: profile, from: address, identity: identity)
        bridge.state.withLock { $0.inbound = inbound }
        return bridge
    }

    /// A whole message from the peer: decoded and handed to the server, or refused when it is
    /// over the message limit (WS-3) or of the wrong kind for the subprotocol (WS-2).
    public func receive(_ bytes: [UInt8], kind: WebSocketMessageKind) {
        let handover: (any InboundConnection, InboundItem)? = state.withLock { state in
            guard let inbound = state.inbound else { return nil }
            if let refused = state.codec.checkWebSocketMessage(byteCount: bytes.count, compressed: false) { return (inbound, refused) }
            return state.codec.decode(webSocketMessage: bytes, kind: kind, compressed: false).map { (inbound, $0) }
        }
        // Outside the lock: the server may write to this connection while it runs the input.
        if let (inbound, item) = handover { inbound.deliver(item) }
    }

    /// The peer's WebSocket closed (or the framework gave up on it): the server forgets the
    /// connection, and ``outgoing`` finishes.
    public func peerClosed() {
        let inbound: (any InboundConnection)? = state.withLock { state in
            state.codec.stop()
            state.closed = true
            resume(&state)
            defer { state.inbound = nil }
            return state.inbound
        }
        continuation.finish()
        inbound?.transportClosed()
    }

    /// Returns once the server wants input again (at once unless it paused reading, for
    /// backpressure, or the connection closed).
    public func whileReadingIsPaused() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                guard state.paused, !state.closed else { return true }
                state.resumers.append(waiter)
                return false
            }
            if ready { waiter.resume() }
        }
    }

    // MARK: ConnectionTransport

    /// Encodes `items` into messages for the framework to send.
    public func write(_ items: [Outbound]) {
        let messages: [Outgoing] = state.withLock { state in
            guard !state.closed else { return [] }
            // Each message is its own array: it leaves with the stream.
            defer { state.codec.releaseBuffers() }  // an idle connection holds no encoding buffers
            return items.map { item in
                var bytes: [UInt8] = []
                let encoded = state.codec.encode(item, appendingTo: &bytes)
                return .message(encoded.kind, bytes)
            }
        }
        for message in messages { continuation.yield(message) }
    }

    /// Sends the close frame for `reason` (WS-4) after what is pending; input from here on is
    /// discarded (ERR-3).
    public func close(reason: ErrorCode?) {
        let first = state.withLock { state in
            state.codec.stop()
            defer { state.closed = true }
            resume(&state)
            return !state.closed
        }
        guard first else { return }
        continuation.yield(.close(code: WebSocketCloseStatus.status(for: reason), reason: reason?.name ?? ""))
        continuation.finish()
    }

    /// Pauses (`false`) or resumes (`true`) reading: the adapter's ``whileReadingIsPaused()``
    /// waits while paused.
    public func setReading(_ enabled: Bool) {
        state.withLock { state in
            state.paused = !enabled
            if enabled { resume(&state) }
        }
    }

    private func resume(_ state: inout State) {
        for waiter in state.resumers { waiter.resume() }
        state.resumers.removeAll()
    }
}
