/// The kind of a WebSocket data message (RFC 6455 §5.6), which says the encoding (WS-2).
public enum WebSocketMessageKind: Sendable, Hashable {
    /// A text message: one JSON message under `parley.v1.json`.
    case text
    /// A binary message: one binary payload under `parley.v1.binary`.
    case binary
}
