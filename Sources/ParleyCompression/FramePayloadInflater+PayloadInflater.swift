import ParleyTransport
import ParleyWire

extension FramePayloadInflater: PayloadInflater {
    /// ``inflate(_:)``, its error as the wire error to answer with.
    public func inflated(_ compressed: [UInt8]) throws(WireError) -> [UInt8] {
        do {
            return try inflate(compressed)
        } catch {
            throw error.wireError
        }
    }
}
