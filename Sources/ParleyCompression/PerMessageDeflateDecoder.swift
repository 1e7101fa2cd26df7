/// Decompresses incoming permessage-deflate WebSocket messages (RFC 7692 §7.2.2): appends the
/// `00 00 ff ff` tail and inflates, within a cap on the message size (COMP-17, COMP-18).
///
/// One per connection and direction. Errors are remote: close with the error's code. Without
/// context takeover the decoder holds no zlib state: it borrows an inflater from the process's
/// pool for each message (COMP-23). With context takeover it owns one, made at its first
/// message, because the window carries over.
public final class PerMessageDeflateDecoder {
    /// Whether the peer resets its compressor after every message (so this side resets too).
    public let noContextTakeover: Bool
    /// The largest inflated message accepted, in bytes.
    public let maxMessage: Int
    private let inflaters = ZlibPools.inflaters(format: .rawDeflate)
    /// With context takeover: this connection's own inflater, from its first message on.
    private var owned: Inflater?

    /// Creates a decoder.
    /// - Parameters:
    ///   - noContextTakeover: the peer resets after every message.
    ///   - maxMessage: the cap on an inflated message.
    public init(noContextTakeover: Bool, maxMessage: Int) throws(CompressionError) {
        guard maxMessage > 0 else { throw .invalidArgument("maxMessage must be positive") }
        self.noContextTakeover = noContextTakeover
        self.maxMessage = maxMessage
    }

    /// The server's decoder for negotiated `parameters`.
    public convenience init(serverSideOf parameters: PerMessageDeflateParameters, maxMessage: Int) throws(CompressionError) {
        try self.init(noContextTakeover: parameters.clientNoContextTakeover, maxMessage: maxMessage)
    }

    /// Inflates one message's payload (all its frames' payloads, concatenated).
    /// - Throws: ``CompressionError/tooLarge(limit:)`` past `maxMessage`,
    ///   ``CompressionError/corruptData(_:)`` for invalid deflate data or bytes after a final block.
    public func decompress(_ payload: [UInt8]) throws(CompressionError) -> [UInt8] {
        if noContextTakeover {
            return try inflaters.borrow { (inflater) throws(CompressionError) in try decompress(payload, with: inflater) }
        }
        let inflater = try ownedStream()
        return try decompress(payload, with: inflater)
    }

    private func decompress(_ payload: [UInt8], with inflater: Inflater) throws(CompressionError) -> [UInt8] {
        var message: [UInt8] = []
        var ended = false
        switch try inflater.inflate(payload, appendingTo: &message, limit: maxMessage) {
        case .streamEnd(let unconsumed):
            guard unconsumed == 0 else { throw .corruptData("\(unconsumed) bytes follow the final deflate block") }
            ended = true
        case .needsInput:
            // The tail completes the empty stored block the sender's flush ended with; it may
            // also be what completes a final stored block, which then ends the stream.
            if case .streamEnd = try inflater.inflate(DeflateSplice.syncMarker, appendingTo: &message, limit: maxMessage) {
                ended = true
            }
        }
        if ended && !noContextTakeover {
            // A message may end with a final block (RFC 7692 §7.2.3.3); the window carries on.
            try inflater.resetKeepingWindow()
        }
        return message
    }

    /// This connection's own inflater (context takeover), made at the first message.
    private func ownedStream() throws(CompressionError) -> Inflater {
        if let owned { return owned }
        let made = try inflaters.makeStream()
        owned = made
        return made
    }
}
