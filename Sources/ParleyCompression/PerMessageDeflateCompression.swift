import ParleyTransport
import ParleyWire

/// permessage-deflate (RFC 7692, COMP-9…COMP-18) for a WebSocket
/// `ConnectionCodec` (ParleyTransport), with the parameters the upgrade negotiated.
///
/// ```swift
/// let deflate = PerMessageDeflateNegotiation().negotiate(offerFieldValues: offers)
/// let profile = ConnectionProfile(binding: .webSocketBinary, compression: deflate.map(PerMessageDeflateCompression.init(serverSideOf:)))
/// ```
public struct PerMessageDeflateCompression: CompressionProvider {
    /// The negotiated parameters.
    public var parameters: PerMessageDeflateParameters

    /// The server side of a connection that negotiated `parameters`.
    public init(serverSideOf parameters: PerMessageDeflateParameters) {
        self.parameters = parameters
    }

    /// The server's ``PerMessageDeflateEncoder`` (`announced` is not used on WebSocket).
    public func makeCompressor(announced: Wire.Compression?) throws(WireError) -> any PayloadCompressor {
        do {
            return try PerMessageDeflateEncoder(serverSideOf: parameters)
        } catch {
            throw error.wireError
        }
    }

    /// The server's ``PerMessageDeflateDecoder``, capped at `maxMessage`.
    public func makeInflater(maxMessage: Int) throws(WireError) -> any PayloadInflater {
        do {
            return try PerMessageDeflateDecoder(serverSideOf: parameters, maxMessage: maxMessage)
        } catch {
            throw error.wireError
        }
    }
}
