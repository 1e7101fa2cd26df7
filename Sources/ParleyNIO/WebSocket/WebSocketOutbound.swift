import ParleyTransport
import ParleyWire

/// What the server side asks a channel to write; the WebSocket handler turns it into frames,
/// the stream pipeline ignores it (stream writes are already bytes).
enum WebSocketOutbound: Sendable {
    /// One Parley message or shared event, encoded per the negotiated subprotocol.
    case item(Outbound)
    /// A close frame before the channel closes: status 1000 for a normal close, 1008 for a
    /// protocol error, 1011 for a server failure (WS-4).
    case close(ErrorCode?)
}
