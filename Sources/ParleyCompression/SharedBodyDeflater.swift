import ParleyCore

/// Compresses shared event bodies once for all the connections that send them compressed
/// (COMP-19), with a raw-deflate compressor borrowed from the process's pool (COMP-23), so
/// threads fanning out different events compress at the same time.
enum SharedBodyDeflater {
    private static let deflaters = ZlibPools.deflaters(format: .rawDeflate, level: .default, windowBits: ZlibFormat.maxWindowBits)

    /// The body compressed once, or `nil` if zlib failed (the caller then compresses per frame).
    @Sendable static func compress(_ body: [UInt8]) -> SharedDeflateBody? {
        try? deflaters.borrow { (deflater) throws(CompressionError) in try SharedDeflateBody(compressing: body, with: deflater) }
    }
}
