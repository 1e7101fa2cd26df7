/// A zlib compression level, 0 (store only) to 9 (smallest output, slowest).
public struct CompressionLevel: RawRepresentable, Hashable, Sendable, Comparable {
    /// The level, 0...9.
    public let rawValue: Int

    /// A level, or `nil` outside 0...9.
    public init?(rawValue: Int) {
        guard (0...9).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// No compression: stored blocks only.
    public static let none = CompressionLevel(rawValue: 0)!
    /// Fastest compression.
    public static let fastest = CompressionLevel(rawValue: 1)!
    /// zlib's default trade-off (what `Z_DEFAULT_COMPRESSION` means).
    public static let `default` = CompressionLevel(rawValue: 6)!
    /// Smallest output.
    public static let best = CompressionLevel(rawValue: 9)!

    public static func < (lhs: CompressionLevel, rhs: CompressionLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
