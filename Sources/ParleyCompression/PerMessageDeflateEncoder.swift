/// Compresses outgoing WebSocket messages for permessage-deflate (RFC 7692 §7.2.1): raw deflate
/// ended by a sync flush whose `00 00 ff ff` tail is removed (COMP-15), with the compressor
/// reset after each message when context takeover is off (COMP-16).
///
/// One per connection and direction. The caller sets RSV1 on the first frame of a message it
/// compressed. Without context takeover the encoder holds no zlib state: it borrows a deflater
/// from the process's pool for each message (COMP-23). With context takeover it owns one,
/// made at its first message, because the window carries over.
public final class PerMessageDeflateEncoder {
    /// Whether the compressor forgets its window after every message.
    public let noContextTakeover: Bool
    /// The window the compressor uses, 2^bits, as negotiated.
    public let windowBits: Int
    private let deflaters: ZlibStreamPool<Deflater>
    /// With context takeover: this connection's own deflater, from its first message on.
    private var owned: Deflater?

    /// Creates an encoder.
    /// - Parameters:
    ///   - windowBits: the negotiated window for this direction (8...15).
    ///   - noContextTakeover: reset after every message.
    ///   - level: the zlib level.
    /// - Throws: ``CompressionError/invalidArgument(_:)`` for a window outside 8...15.
    public init(windowBits: Int, noContextTakeover: Bool, level: CompressionLevel = .default) throws(CompressionError) {
        try ZlibFormat.validate(windowBits: windowBits)
        self.noContextTakeover = noContextTakeover
        self.windowBits = windowBits
        deflaters = ZlibPools.deflaters(format: .rawDeflate, level: level, windowBits: windowBits)
    }

    /// The server's encoder for negotiated `parameters`.
    public convenience init(serverSideOf parameters: PerMessageDeflateParameters, level: CompressionLevel = .default) throws(CompressionError) {
        try self.init(windowBits: parameters.serverMaxWindowBits, noContextTakeover: parameters.serverNoContextTakeover, level: level)
    }

    /// Appends the compressed payload of `message` to `output`.
    /// - Throws: ``CompressionError/zlib(function:status:message:)`` if zlib cannot allocate or
    ///   compress.
    public func compress(_ message: [UInt8], appendingTo output: inout [UInt8]) throws(CompressionError) {
        if noContextTakeover {
            try deflaters.borrow { (deflater) throws(CompressionError) in try compress(message, with: deflater, appendingTo: &output) }
        } else {
            let deflater = try ownedStream()
            try compress(message, with: deflater, appendingTo: &output)
        }
    }

    private func compress(_ message: [UInt8], with deflater: Deflater, appendingTo output: inout [UInt8]) throws(CompressionError) {
        let start = output.count
        try deflater.deflate(message, flush: .sync, appendingTo: &output)
        if output.count == start && message.isEmpty {
            // zlib writes nothing for a sync flush that directly follows another: an empty
            // message after a flushed one. Send an empty stored block, tail stripped: `00`.
            output.append(0x00)
            return
        }
        guard output.count - start >= 4, output.suffix(4).elementsEqual(DeflateSplice.syncMarker) else {
            throw .zlib(function: "deflate", status: 0, message: "sync flush did not end with 00 00 ff ff")
        }
        output.removeLast(4)
    }

    /// Appends a message made of a per-connection `prefix`, a body compressed once for many
    /// connections, and a `suffix` (COMP-19), without compressing the body again.
    ///
    /// With context takeover, the peer's window then holds bytes this compressor never saw, so
    /// the compressor is reset: the next message cannot refer to earlier ones (COMP-21). This
    /// is why sharing is only free when context takeover is off.
    /// - Throws: ``CompressionError/invalidArgument(_:)`` if the body was compressed with a
    ///   larger window than this connection negotiated.
    public func appendShared(prefix: [UInt8], body: SharedDeflateBody, suffix: [UInt8], appendingTo output: inout [UInt8]) throws(CompressionError) {
        guard body.windowBits <= windowBits else {
            throw .invalidArgument("shared body uses window bits \(body.windowBits), connection allows \(windowBits)")
        }
        DeflateSplice.appendPerMessageDeflate(prefix: prefix, body: body, suffix: suffix, to: &output)
        owned?.reset()
    }

    /// This connection's own deflater (context takeover), made at the first message.
    private func ownedStream() throws(CompressionError) -> Deflater {
        if let owned { return owned }
        let made = try deflaters.makeStream()
        owned = made
        return made
    }
}
