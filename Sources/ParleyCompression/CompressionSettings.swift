/// A server's per-frame compression policy (COMP-1…COMP-4): an off switch, the smallest
/// payload worth compressing and the zlib level. Announced to clients in the welcome's
/// `Compression {enabled, threshold, level}`.
public struct CompressionSettings: Hashable, Sendable {
    /// Whether frames may carry the compressed flag at all (the off switch).
    public var enabled: Bool
    /// Payloads smaller than this many bytes are sent uncompressed (COMP-3).
    public var threshold: Int
    /// The zlib level used to compress.
    public var level: CompressionLevel

    /// A policy; `threshold` below 0 is treated as 0.
    public init(enabled: Bool, threshold: Int, level: CompressionLevel) {
        self.enabled = enabled
        self.threshold = max(threshold, 0)
        self.level = level
    }

    /// Compression on, for payloads of 512 bytes or more, at zlib's default level. Below about
    /// half a kilobyte a lone JSON or binary chat event shrinks by too little to pay for the CPU.
    public static let standard = CompressionSettings(enabled: true, threshold: 512, level: .default)
    /// Compression off: the welcome announces `enabled: false` and no frame is compressed.
    public static let disabled = CompressionSettings(enabled: false, threshold: 512, level: .default)

    /// Whether a sender compresses a payload of `count` bytes (COMP-3).
    public func shouldCompress(payloadCount count: Int) -> Bool {
        enabled && count >= threshold
    }
}
