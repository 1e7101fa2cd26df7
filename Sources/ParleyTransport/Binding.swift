import ParleyWire

/// How a connection carries messages (protocol.md sections 4 and 5).
public enum Binding: Sendable, Hashable {
    /// A byte stream cut into frames carrying binary payloads (FRAME section).
    case stream
    /// WebSocket, subprotocol `parley.v1.json`: one JSON message per text message.
    case webSocketJSON
    /// WebSocket, subprotocol `parley.v1.binary`: one binary payload per binary message.
    case webSocketBinary
    /// In the same process: messages are handed over as values, never encoded.
    case inProcess
}
