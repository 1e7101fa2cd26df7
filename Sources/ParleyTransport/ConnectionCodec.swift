import ParleyWire

/// The bytes of one connection, without I/O: bytes or WebSocket messages in, messages out
/// (``ConnectionCodec/receive(_:)-([UInt8])``, ``ConnectionCodec/next()``,
/// ``ConnectionCodec/decode(webSocketMessage:kind:compressed:)-([UInt8],_,_)``), and outbound items in,
/// bytes out (``ConnectionCodec/encode(_:appendingTo:)``), for the connection's
/// ``ConnectionProfile``.
///
/// Any WebSocket server can carry Parley with it: after the upgrade (subprotocol and
/// permessage-deflate negotiated), feed each complete message to the codec and hand what
/// comes out to the server. For instance in a Hummingbird WebSocket route, which joins
/// fragments and inflates permessage-deflate itself (so the profile has no compression and
/// no message arrives compressed):
///
/// ```swift
/// let codec = try ConnectionCodec(profile: ConnectionProfile(binding: .webSocketJSON))
/// let connection = server.accept(transport, profile: codec.profile, from: address)
/// for try await message in inbound.messages(maxSize: 1 << 20) {
///     let item = switch message {
///     case .text(let text): codec.decode(webSocketMessage: Array(text.utf8), kind: .text, compressed: false)
///     case .binary(let bytes): codec.decode(webSocketMessage: Array(bytes.readableBytesView), kind: .binary, compressed: false)
///     }
///     if let item { connection.deliver(item) }
/// }
/// ```
///
/// and the route's ``ConnectionTransport`` encodes on the same executor (an actor or a lock
/// owning the codec; Vapor's `ws.onText` / `ws.send` work the same way):
///
/// ```swift
/// for item in items {
///     buffer.removeAll(keepingCapacity: true)
///     let encoded = codec.encode(item, appendingTo: &buffer)
///     try await outbound.write(encoded.kind == .text ? .text(String(decoding: buffer, as: UTF8.self)) : .binary(ByteBuffer(bytes: buffer)))
/// }
/// ```
///
/// On the byte stream, bytes come in any split and many frames go into one write:
///
/// ```swift
/// codec.receive(bytes)
/// while let item = codec.next() { inbound.deliver(item) }
/// for item in items { codec.encode(item, appendingTo: &bytes) }  // whole frames
/// ```
///
/// Compression enters through the profile's ``CompressionProvider``; the codec itself links no
/// compression library. On the byte stream, compression starts in both directions with the
/// first frame after the welcome that announces it (COMP-2): the codec reads the welcome's
/// announcement as it encodes it. That announcement is the one input the peer also acts on,
/// so the codec cannot disagree with what the peer was told, and no other signal has to be
/// kept in step with it: a transport sniffing its writes (as before the codec) spread the
/// rule over each transport, and a separate "compression starts" item from the core would
/// say the same thing twice, once to the peer and once to the codec.
///
/// Not `Sendable`: one codec per connection, used from the executor that owns the connection
/// (a NIO channel's event loop, a WebSocket handler's task), for both directions.
public final class ConnectionCodec {
    /// How the connection is carried.
    public let profile: ConnectionProfile
    /// The byte stream's frame decoder (unused on WebSocket).
    var frames: FrameDecoder
    /// Whether decoding stopped after a fatal error or ``stop()``: input is discarded (ERR-3).
    public internal(set) var isStopped = false
    /// The outbound compressor: on WebSocket from the start when negotiated, on the byte
    /// stream from the welcome that announces compression.
    var compressor: (any PayloadCompressor)?
    /// The inbound inflater, made with ``compressor``.
    var inflater: (any PayloadInflater)?
    /// Reused for every outbound item: the encoded payload, its compressed form, and a shared
    /// event's envelope, so an item costs no allocation once they have grown.
    var payload: [UInt8] = []
    var compressed: [UInt8] = []
    var envelope: [UInt8] = []

    /// Opens the codec of a connection carried as `profile` says.
    /// - Throws: `INTERNAL_ERROR` if the negotiated WebSocket compression cannot be set up.
    public init(profile: ConnectionProfile) throws(WireError) {
        self.profile = profile
        frames = FrameDecoder(maxPayload: profile.limits.maxFramePayload)
        switch profile.binding {
        case .webSocketJSON, .webSocketBinary:
            guard let provider = profile.compression else { break }
            compressor = try provider.makeCompressor(announced: nil)
            inflater = try provider.makeInflater(maxMessage: profile.limits.maxMessage)
        case .stream, .inProcess:
            break
        }
    }

    /// Whether outbound payloads may be compressed now (and, on the byte stream, inbound
    /// frames may carry the compressed flag, COMP-2).
    public var isCompressing: Bool { compressor != nil }

    /// Stops decoding: input from here on is discarded (ERR-3), as after the server's close.
    public func stop() { isStopped = true }

    /// The bytes of capacity the reused outbound buffers hold now.
    public var bufferCapacity: Int { payload.capacity + compressed.capacity + envelope.capacity }

    /// Frees the reused outbound buffers: call it when a write ends and nothing waits, so that
    /// an idle connection holds none of the memory its largest message (a welcome, a history
    /// page) grew them to; the next item that needs them allocates them again.
    public func releaseBuffers() {
        payload = []
        compressed = []
        envelope = []
    }

    /// A failure the embedding transport found in the peer's input (for instance a broken
    /// WebSocket fragmentation): stops decoding and returns the failure to hand to the
    /// server, or `nil` if decoding had already stopped.
    public func fail(_ error: WireError) -> InboundItem? {
        guard !isStopped else { return nil }
        isStopped = true
        return .failure(error, messageType: nil)
    }
}
