import Synchronization

/// How many zlib streams (``Deflater``s and ``Inflater``s) exist in the process right now.
///
/// Each costs zlib's state: an inflater about 40 KB (its 2^15 window and tables), a deflater
/// up to 256 KB at the default memory level. Connections that compress without context
/// takeover hold none between messages (COMP-23), so this count stays near the number of
/// threads compressing at once, however many connections negotiated compression; operators
/// and tests read it to see that idle connections cost no zlib state.
public enum ZlibStreamCount {
    private static let count = Atomic<Int>(0)

    /// The streams alive now.
    public static var live: Int { count.load(ordering: .relaxed) }

    static func opened() { count.add(1, ordering: .relaxed) }
    static func closed() { count.subtract(1, ordering: .relaxed) }
}
