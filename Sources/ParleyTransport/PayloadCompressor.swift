import ParleyCore

/// Compresses one connection's outbound payloads (a byte-stream frame payload, or a WebSocket
/// message). One per connection, used from one executor; made by a ``CompressionProvider``.
public protocol PayloadCompressor: AnyObject {
    /// Appends `payload` compressed to `output` and returns `true`, or returns `false` when it
    /// leaves the payload uncompressed: under the threshold (COMP-3), or if compressing failed.
    /// After `false` the caller ignores whatever was appended and sends `payload` as it is.
    func appendCompressed(_ payload: [UInt8], to output: inout [UInt8]) -> Bool

    /// Whether a payload of `count` bytes may be compressed; `false` when it certainly goes out
    /// as it is (under the threshold, COMP-3), so the caller writes it without staging a copy.
    func mayCompress(payloadCount count: Int) -> Bool

    /// Appends `prefix` (this delivery's envelope) followed by `event`'s binary body as one
    /// compressed payload, using the body compressed once for all its recipients (COMP-19),
    /// and returns `true`; returns `false` when it does not splice this event (under the
    /// threshold, or not supported), and the caller then compresses the payload whole.
    func appendSpliced(prefix: [UInt8], event: SharedEvent, to output: inout [UInt8]) -> Bool
}
