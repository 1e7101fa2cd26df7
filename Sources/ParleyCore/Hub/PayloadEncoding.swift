/// One serialization of a published event: the encoding a subscriber's connection negotiated.
///
/// Compressed variants exist for bindings whose compression is stateless per message (per-frame
/// zlib, permessage-deflate without context takeover); the bytes they hold are produced by the
/// server's encoder, the hub only keeps them apart.
public enum PayloadEncoding: UInt8, Sendable, Hashable {
    /// The compact binary field encoding.
    case binary = 0
    /// The JSON text encoding.
    case json = 1
    /// The binary encoding, deflated.
    case binaryDeflate = 2
    /// The JSON encoding, deflated.
    case jsonDeflate = 3

    /// How many encodings exist; raw values are `0..<count`.
    static let count = 4
}

/// A set of payload encodings, one bit each: the encodings in use on a topic.
public struct EncodingSet: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The set holding only `encoding`.
    public init(_ encoding: PayloadEncoding) { self.rawValue = 1 << encoding.rawValue }

    /// Whether `encoding` is in the set.
    public func contains(_ encoding: PayloadEncoding) -> Bool { rawValue & (1 << encoding.rawValue) != 0 }
}
