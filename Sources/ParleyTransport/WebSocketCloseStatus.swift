import ParleyWire

/// The WebSocket close status the server sends for the error that ends a connection (WS-4).
public enum WebSocketCloseStatus {
    /// 1000 after a goodbye or a replaced session, 1001 when the server shuts down, 1011 for
    /// an internal error, 1008 (policy violation) for every other fatal error.
    public static func status(for reason: ErrorCode?) -> UInt16 {
        switch reason {
        case nil, .goingAway?, .sessionReplaced?: 1000
        case .serverShutdown?: 1001
        case .internalError?: 1011
        default: 1008
        }
    }
}
