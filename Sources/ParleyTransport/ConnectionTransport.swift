import ParleyWire

/// The transport side of one connection, as the server drives it.
///
/// A transport (TCP, WebSocket, in-process) implements this so the server can write to the
/// peer without knowing how bytes travel. Calls may come from any thread; implementations
/// hop to their own executor. A transport that carries bytes encodes with a
/// ``ConnectionCodec`` made for the connection's ``ConnectionProfile``.
public protocol ConnectionTransport: AnyObject, Sendable {
    /// Writes `items` to the peer in the connection's encoding, as one coalesced write;
    /// shared events are framed around their shared bytes, not re-encoded (HUB-5).
    func write(_ items: [Outbound])
    /// Writes what is pending, then closes the connection; `reason` is the fatal error that
    /// caused the close, or `nil` for a normal close (WS-4 maps it to a WebSocket status).
    func close(reason: ErrorCode?)
    /// Stops (`false`) or resumes (`true`) reading from the peer, for backpressure.
    func setReading(_ enabled: Bool)
}
