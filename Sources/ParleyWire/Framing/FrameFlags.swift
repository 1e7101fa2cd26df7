/// The second byte of a frame (FRAME-3): bit 0 says the payload is zlib-compressed; the
/// other bits are reserved and MUST be zero in v1.
public struct FrameFlags: OptionSet, Hashable, Sendable {
    /// The byte on the wire.
    public var rawValue: UInt8
    /// Wraps a flags byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The payload is a zlib stream (RFC 1950) that inflates to the binary message (COMP section).
    public static let compressed = FrameFlags(rawValue: 0x01)

    /// Every bit v1 defines; a MESSAGE frame with any other bit set is `BAD_FRAME_FLAGS`.
    public static let known: FrameFlags = [.compressed]
}
