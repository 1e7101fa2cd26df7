/// What ``ConnectionCodec/encode(_:appendingTo:)`` appended: on WebSocket, the data message to
/// send it as; on the byte stream, whole frames (their flags already say compressed or not).
public struct EncodedMessage: Sendable, Hashable {
    /// The WebSocket message kind of the subprotocol (WS-2); `.binary` on the byte stream.
    public var kind: WebSocketMessageKind
    /// Whether the bytes are compressed: set RSV1 on the WebSocket message's first frame
    /// (COMP-15). On the byte stream the frame's flag already carries it.
    public var compressed: Bool

    /// A description of encoded bytes.
    public init(kind: WebSocketMessageKind, compressed: Bool) {
        self.kind = kind
        self.compressed = compressed
    }
}
