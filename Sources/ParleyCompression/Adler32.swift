import CZlib

/// Adler-32 (RFC 1950 §8) through zlib, including the combination of checksums of adjacent
/// pieces, so a spliced zlib stream's trailer costs only its per-subscriber bytes.
enum Adler32 {
    /// The checksum of no bytes.
    static let initial: UInt32 = 1

    /// Continues `adler` over `bytes`.
    static func checksum(_ bytes: [UInt8], continuing adler: UInt32) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(CZlib.adler32(uLong(adler), buffer.baseAddress, uInt(buffer.count)))
        }
    }

    /// The checksum of A followed by B, from A's checksum, B's checksum and B's length.
    static func combine(_ first: UInt32, _ second: UInt32, secondCount: Int) -> UInt32 {
        UInt32(adler32_combine(uLong(first), uLong(second), secondCount))
    }
}
