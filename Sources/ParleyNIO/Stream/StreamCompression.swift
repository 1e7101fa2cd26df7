import ParleyCompression
import ParleyWire

/// Per-frame compression of one byte-stream connection (COMP-1…COMP-7), shared by its inbound
/// handler and its outbound transport on the channel's event loop: off until the welcome that
/// announces it is written, then outbound payloads over the threshold are compressed and
/// inbound compressed frames are inflated with the `maxMessage` cap.
final class StreamCompression {
    private(set) var compressor: FramePayloadCompressor?
    private(set) var inflater: FramePayloadInflater?
    private let maxMessage: Int

    init(maxMessage: Int) { self.maxMessage = maxMessage }

    /// Whether compressed frames are allowed in both directions now (COMP-2).
    var isOn: Bool { compressor != nil }

    /// Notes a message about to be written: a welcome announcing compression turns it on.
    func willWrite(_ message: Message) {
        guard case .welcome(let welcome) = message, let announced = welcome.compression, announced.enabled, compressor == nil else {
            return
        }
        let settings = CompressionSettings(
            enabled: true, threshold: Int(clamping: announced.threshold), level: CompressionLevel(rawValue: Int(announced.level ?? 6)) ?? .default)
        compressor = try? FramePayloadCompressor(settings: settings)
        inflater = try? FramePayloadInflater(negotiated: true, maxMessage: maxMessage)
    }
}
