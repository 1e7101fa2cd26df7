/// The sending side of per-frame compression on the byte-stream binding (COMP-2, COMP-3):
/// compresses a frame payload into one complete zlib stream when the settings say so.
///
/// One per connection. Each frame is its own zlib stream (COMP-4), so the compressor holds no
/// zlib state: it borrows a deflater from the process's pool for each frame (COMP-23), and an
/// idle connection costs nothing of zlib's.
public final class FramePayloadCompressor {
    /// The frame-flags bit that marks a payload as a zlib stream (COMP-1).
    public static let compressedFlag: UInt8 = 0x01

    /// The policy in force, as announced in the welcome.
    public let settings: CompressionSettings
    private let deflaters: ZlibStreamPool<Deflater>

    /// Creates a compressor for `settings`.
    public init(settings: CompressionSettings) {
        self.settings = settings
        deflaters = ZlibPools.deflaters(format: .zlib, level: settings.level, windowBits: ZlibFormat.maxWindowBits)
    }

    /// Appends the frame payload for `payload` to `output`: a zlib stream if the payload is at
    /// least the threshold and compression is enabled, otherwise the payload itself.
    ///
    /// - Returns: `true` when the payload was compressed, so the caller sets
    ///   ``compressedFlag`` in the frame's flags.
    /// - Throws: ``CompressionError/zlib(function:status:message:)`` if zlib cannot allocate or
    ///   compress.
    public func encode(_ payload: [UInt8], appendingTo output: inout [UInt8]) throws(CompressionError) -> Bool {
        guard settings.shouldCompress(payloadCount: payload.count) else {
            output.append(contentsOf: payload)
            return false
        }
        try deflaters.borrow { (deflater) throws(CompressionError) in
            try deflater.deflate(payload, flush: .finish, appendingTo: &output)
        }
        return true
    }
}
