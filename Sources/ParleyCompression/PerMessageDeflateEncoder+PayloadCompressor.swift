import ParleyCore
import ParleyTransport

extension PerMessageDeflateEncoder: PayloadCompressor {
    /// Compresses every message (permessage-deflate has no threshold); `false` if zlib failed.
    public func appendCompressed(_ payload: [UInt8], to output: inout [UInt8]) -> Bool {
        (try? compress(payload, appendingTo: &output)) != nil
    }

    /// `false`: WebSocket messages are compressed whole. (Splicing a shared body would reset
    /// this encoder's context after every event, COMP-21, and a JSON body has no compressed
    /// form shared between connections yet.)
    public func appendSpliced(prefix: [UInt8], event: SharedEvent, to output: inout [UInt8]) -> Bool { false }
}
