/// The receiving side of per-frame compression on the byte-stream binding (COMP-5…COMP-7):
/// turns a frame whose compressed flag is set back into the message payload, within the
/// announced maximum message size.
///
/// Every failure is a remote ``CompressionError`` whose ``CompressionError/code`` is the fatal
/// error to answer with: `COMPRESSION_NOT_NEGOTIATED`, `MESSAGE_TOO_LARGE` or
/// `DECOMPRESSION_FAILED`.
public final class FramePayloadInflater {
    /// Whether compression was announced enabled in the welcome.
    public let negotiated: Bool
    /// The largest inflated payload accepted, in bytes (the welcome's `maxMessage`).
    public let maxMessage: Int
    private let inflaters = ZlibPools.inflaters(format: .zlib)

    /// Creates the receiving side.
    /// - Parameters:
    ///   - negotiated: whether the welcome announced compression enabled.
    ///   - maxMessage: the cap on an inflated payload.
    public init(negotiated: Bool, maxMessage: Int) throws(CompressionError) {
        guard maxMessage > 0 else { throw .invalidArgument("maxMessage must be positive") }
        self.negotiated = negotiated
        self.maxMessage = maxMessage
    }

    /// Inflates one compressed frame payload, which must be exactly one zlib stream.
    ///
    /// Memory: the returned array's capacity never exceeds `maxMessage` (COMP-7). The inflater
    /// is borrowed from the process's pool for this frame (COMP-23): each frame is its own
    /// stream (COMP-4), so an idle connection holds no zlib state.
    /// - Throws: ``CompressionError/notNegotiated`` if compression is off (COMP-5),
    ///   ``CompressionError/tooLarge(limit:)`` past `maxMessage` (COMP-6),
    ///   ``CompressionError/corruptData(_:)`` for anything but one valid zlib stream.
    public func inflate(_ payload: [UInt8]) throws(CompressionError) -> [UInt8] {
        guard negotiated else { throw .notNegotiated }
        return try inflaters.borrow { (inflater) throws(CompressionError) in
            var message: [UInt8] = []
            switch try inflater.inflate(payload, appendingTo: &message, limit: maxMessage) {
            case .needsInput:
                throw .corruptData("the zlib stream is truncated")
            case .streamEnd(let unconsumed):
                guard unconsumed == 0 else { throw .corruptData("\(unconsumed) bytes follow the zlib stream") }
                return message
            }
        }
    }
}
