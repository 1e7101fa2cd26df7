import ParleyCore
import ParleyTransport

extension FramePayloadCompressor: PayloadCompressor {
    /// Compresses `payload` into one zlib stream when it is at least the threshold (COMP-3).
    public func appendCompressed(_ payload: [UInt8], to output: inout [UInt8]) -> Bool {
        (try? encode(payload, appendingTo: &output)) ?? false
    }

    /// Whether `count` bytes reach the threshold (COMP-3).
    public func mayCompress(payloadCount count: Int) -> Bool { settings.shouldCompress(payloadCount: count) }

    /// Splices `prefix` and the event's binary body, compressed once for every connection by
    /// `SharedBodyDeflater`, into one zlib stream (COMP-19), when the body is at least the
    /// threshold; `false` under it or if zlib failed.
    public func appendSpliced(prefix: [UInt8], event: SharedEvent, to output: inout [UInt8]) -> Bool {
        guard settings.shouldCompress(payloadCount: event.binaryBody.count),
            let body = event.deflatedBinaryBody(SharedBodyDeflater.compress)
        else { return false }
        DeflateSplice.appendZlib(prefix: prefix, body: body, suffix: [], to: &output)
        return true
    }
}
