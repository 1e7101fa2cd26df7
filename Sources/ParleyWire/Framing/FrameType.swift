/// The first byte of a frame (FRAME-2). An open set: receivers skip types they do not know
/// (FRAME-7), which leaves room for later versions.
public struct FrameType: RawRepresentable, Hashable, Sendable {
    /// The byte on the wire.
    public var rawValue: UInt8
    /// Wraps a type byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A frame whose payload is one message in the binary encoding.
    public static let message = FrameType(rawValue: 0x01)
}
