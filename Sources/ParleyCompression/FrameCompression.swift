import ParleyTransport
import ParleyWire

/// Per-frame zlib compression of the byte-stream binding (COMP-1…COMP-7, COMP-19) for a
/// `ConnectionCodec` (ParleyTransport): give it in the connection's profile, and the codec
/// compresses as the welcome announces.
///
/// ```swift
/// let codec = try ConnectionCodec(profile: ConnectionProfile(binding: .stream, compression: FrameCompression()))
/// ```
public struct FrameCompression: CompressionProvider {
    /// The provider.
    public init() {}

    /// A ``FramePayloadCompressor`` with the announced threshold and level.
    public func makeCompressor(announced: Wire.Compression?) throws(WireError) -> any PayloadCompressor {
        let announced = announced ?? Wire.Compression(enabled: true, threshold: UInt64(CompressionSettings.standard.threshold))
        let settings = CompressionSettings(
            enabled: announced.enabled, threshold: Int(clamping: announced.threshold),
            level: announced.level.flatMap { CompressionLevel(rawValue: Int(clamping: $0)) } ?? .default)
        return FramePayloadCompressor(settings: settings)
    }

    /// A ``FramePayloadInflater`` for negotiated compression, capped at `maxMessage`.
    public func makeInflater(maxMessage: Int) throws(WireError) -> any PayloadInflater {
        do {
            return try FramePayloadInflater(negotiated: true, maxMessage: maxMessage)
        } catch {
            throw error.wireError
        }
    }
}
