import ParleyWire

/// What a ``ConnectionCodec`` decoded from the peer: a message, or why the peer's bytes did not
/// make one.
public enum InboundItem: Hashable, Sendable {
    /// A message from the peer.
    case message(Message)
    /// The peer's bytes did not decode. `messageType` names the payload's type when it is
    /// known, so an `UNKNOWN_MESSAGE_TYPE` answer can name it (VER-4). When `error.code` is
    /// fatal the codec has stopped: it decodes nothing more (ERR-3), and the server answers
    /// and closes; otherwise the connection goes on.
    case failure(WireError, messageType: UInt64?)
}
