import ParleyCore
import ParleyTransport

extension PerMessageDeflateEncoder: PayloadCompressor {
    /// Compresses every message (permessage-deflate has no threshold); `false` if zlib failed.
    public func appendCompressed(_ payload: [UInt8], to output: inout [UInt8]) -> Bool {
        (try? compress(payload, appendingTo: &output)) != nil
    }

    /// Always: permessage-deflate has no threshold.
    public func mayCompress(payloadCount count: Int) -> Bool { true }

    /// Splices `prefix` and the event's binary body, compressed once for every connection by
    /// `SharedBodyDeflater`, into one message (COMP-19), on a connection without context
    /// takeover in the server's direction, where that is free (COMP-20); `false` otherwise, or
    /// when the connection's window is smaller than the shared body's.
    public func appendSpliced(prefix: [UInt8], event: SharedEvent, to output: inout [UInt8]) -> Bool {
        guard noContextTakeover, let body = event.deflatedBinaryBody(SharedBodyDeflater.compress) else { return false }
        do {
            try appendShared(prefix: prefix, body: body, suffix: [], appendingTo: &output)
            return true
        } catch {
            return false
        }
    }
}
