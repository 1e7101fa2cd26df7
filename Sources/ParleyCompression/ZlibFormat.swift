/// The container around deflate data: zlib (RFC 1950: header and Adler-32 trailer, used by
/// compressed frames) or raw deflate (RFC 1951, used by WebSocket permessage-deflate).
public enum ZlibFormat: Hashable, Sendable {
    /// RFC 1950: a 2-byte header, deflate data, an Adler-32 of the plain data.
    case zlib
    /// RFC 1951 deflate blocks with no header or trailer.
    case rawDeflate

    /// The largest LZ77 window, 2^15 bytes, which every inflater accepts.
    public static let maxWindowBits = 15
    /// The smallest window RFC 7692 allows to negotiate, 2^8 bytes.
    public static let minWindowBits = 8

    /// zlib's `windowBits` argument: negative selects raw deflate.
    func zlibWindowBits(_ bits: Int) -> Int32 {
        switch self {
        case .zlib: Int32(bits)
        case .rawDeflate: -Int32(bits)
        }
    }

    /// Checks that `bits` is a window size RFC 1951 / RFC 7692 allow (8...15).
    static func validate(windowBits bits: Int) throws(CompressionError) {
        guard (minWindowBits...maxWindowBits).contains(bits) else {
            throw .invalidArgument("window bits \(bits) outside \(minWindowBits)...\(maxWindowBits)")
        }
    }
}
