import ParleyWire

/// Makes a connection's compressor and inflater: how compression enters the codec without the
/// codec linking a compression library. `ParleyCompression` provides the zlib ones
/// (`FrameCompression` for the byte stream, `PerMessageDeflateCompression` for WebSocket).
public protocol CompressionProvider: Sendable {
    /// The compressor of outbound payloads. On the byte stream `announced` is the welcome's
    /// announcement (threshold and level, COMP-1…COMP-3), made when the welcome is encoded;
    /// on WebSocket it is `nil` and the compressor is made when the connection opens.
    /// - Throws: `INTERNAL_ERROR` if the compressor cannot be made.
    func makeCompressor(announced: Wire.Compression?) throws(WireError) -> any PayloadCompressor
    /// The inflater of inbound payloads, capped at `maxMessage` inflated bytes (COMP-6, COMP-18).
    /// - Throws: `INTERNAL_ERROR` if the inflater cannot be made.
    func makeInflater(maxMessage: Int) throws(WireError) -> any PayloadInflater
}
