import ParleyTransport
import ParleyWire

extension PerMessageDeflateDecoder: PayloadInflater {
    /// ``decompress(_:)``, its error as the wire error to answer with.
    public func inflated(_ compressed: [UInt8]) throws(WireError) -> [UInt8] {
        do {
            return try decompress(compressed)
        } catch {
            throw error.wireError
        }
    }
}
