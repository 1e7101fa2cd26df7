import ParleyWire

/// Inflates one connection's compressed inbound payloads. One per connection, used from one
/// executor; made by a ``CompressionProvider``.
public protocol PayloadInflater: AnyObject {
    /// The payload `compressed` carries.
    /// - Throws: the fatal error to answer with: `MESSAGE_TOO_LARGE` past the cap,
    ///   `DECOMPRESSION_FAILED` for invalid data.
    func inflated(_ compressed: [UInt8]) throws(WireError) -> [UInt8]
}
