import CZlib

/// A message body compressed once, to be spliced into the messages of many subscribers
/// (COMP-19): raw deflate blocks that are non-final, start and end on a byte boundary, refer
/// to nothing before their own start, and end with the sync marker `00 00 ff ff`.
///
/// Immutable and `Sendable`, so one value can be handed to every subscriber's connection.
public struct SharedDeflateBody: Hashable, Sendable {
    /// The compressed blocks, ending with an empty stored block (`… 00 00 ff ff`).
    public let blocks: [UInt8]
    /// The uncompressed body's length.
    public let plainCount: Int
    /// The Adler-32 of the uncompressed body, to build zlib-format streams around it.
    public let adler32: UInt32
    /// The window the body was compressed with; only connections whose negotiated window is at
    /// least this large may receive it.
    public let windowBits: Int

    /// Compresses `body` once with `deflater` (raw deflate), which is reset before and after.
    /// - Throws: ``CompressionError/invalidArgument(_:)`` for a zlib-format deflater, or a zlib error.
    public init(compressing body: [UInt8], with deflater: Deflater) throws(CompressionError) {
        guard deflater.format == .rawDeflate else { throw .invalidArgument("a shared body needs a raw deflate compressor") }
        deflater.reset()
        var blocks: [UInt8] = []
        try deflater.deflate(body, flush: .sync, appendingTo: &blocks)
        deflater.reset()
        guard blocks.count >= 5, blocks.suffix(4).elementsEqual(DeflateSplice.syncMarker) else {
            throw .zlib(function: "deflate", status: 0, message: "sync flush did not end with 00 00 ff ff")
        }
        self.blocks = blocks
        plainCount = body.count
        adler32 = Adler32.checksum(body, continuing: Adler32.initial)
        windowBits = deflater.windowBits
    }
}
