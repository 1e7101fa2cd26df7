import ParleyCore
import ParleyWire

/// The transport side of one connection, as the server drives it.
///
/// A transport (TCP, WebSocket, in-process) implements this so the server can write to the
/// peer without knowing how bytes travel. Calls may come from any thread; implementations
/// hop to their own executor.
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

/// The server side of one connection, as a transport feeds it.
public protocol InboundConnection: Sendable {
    /// A message decoded from the peer.
    func receive(_ message: Message)
    /// The peer's bytes could not be decoded: the server answers with the error (naming the
    /// message type when it is known, VER-4) and, when the error is fatal, closes (ERR-3);
    /// everything received before stands (ERR-4).
    func fail(_ error: WireError, messageType: UInt64?)
    /// The transport closed (the peer went away or the server closed it).
    func transportClosed()
}

extension InboundConnection {
    /// The peer's bytes could not be decoded, and no message type is known.
    public func fail(_ error: WireError) { fail(error, messageType: nil) }
}

/// Accepts connections from transports: the server implements it; tests may stand in.
public protocol ConnectionAcceptor: Sendable {
    /// Registers a new connection from `address` (the peer's, or the client's named by a
    /// trusted proxy, ABUSE-13) and returns where its inbound messages go.
    func accept(_ transport: any ConnectionTransport, binding: Binding, from address: SourceAddress) -> any InboundConnection
}
