/// The sending side of per-frame compression on the byte-stream binding (COMP-2, COMP-3):
/// compresses a frame payload into one complete zlib stream when the settings say so.
///
/// One per connection (or per sending thread): the deflater is reused, reset per frame, so a
/// frame costs no zlib allocation.
public final class FramePayloadCompressor {
    /// The frame-flags bit that marks a payload as a zlib stream (COMP-1).
    public static let compressedFlag: UInt8 = 0x01

    /// The policy in force, as announced in the welcome.
    public let settings: CompressionSettings
    private let deflater: Deflater

    /// Creates a compressor for `settings`.
    /// - Throws: ``CompressionError/zlib(function:status:message:)`` if zlib cannot allocate.
    public init(settings: CompressionSettings) throws(CompressionError) {
        self.settings = settings
        deflater = try Deflater(format: .zlib, level: settings.level)
    }

    /// Appends the frame payload for `payload` to `output`: a zlib stream if the payload is at
    /// least the threshold and compression is enabled, otherwise the payload itself.
    ///
    /// - Returns: `true` when the payload was compressed, so the caller sets
    ///   ``compressedFlag`` in the frame's flags.
    public func encode(_ payload: [UInt8], appendingTo output: inout [UInt8]) throws(CompressionError) -> Bool {
        guard settings.shouldCompress(payloadCount: payload.count) else {
            output.append(contentsOf: payload)
            return false
        }
        deflater.reset()
        try deflater.deflate(payload, flush: .finish, appendingTo: &output)
        return true
    }
}
