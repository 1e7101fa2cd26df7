import NIOWebSocket
import ParleyTransport
import Vapor

extension WebSocket {
    /// Carries `bridge`'s connection on this WebSocket: whole messages in, the server's
    /// messages and close out. Called on the socket's event loop, so the callbacks are in place
    /// before the first message is read, and messages reach the bridge in their order.
    ///
    /// websocket-kit cannot pause reading, so the bridge's backpressure (`setReading`) is not
    /// applied; it sends no close reason (WS-4's SHOULD) and no permessage-deflate.
    func carry(_ bridge: WebSocketBridge) {
        onText { _, text in bridge.receive(Array(text.utf8), kind: .text) }
        onBinary { _, buffer in bridge.receive(Array(buffer.readableBytesView), kind: .binary) }
        onClose.whenComplete { _ in bridge.peerClosed() }
        Task {
            for await item in bridge.outgoing {
                switch item {
                case .message(.text, let bytes): send(String(decoding: bytes, as: UTF8.self), promise: nil)
                case .message(.binary, let bytes): send(bytes, promise: nil)
                case .close(let code, _): close(code: WebSocketErrorCode(codeNumber: Int(code)), promise: nil)
                }
            }
        }
    }
}
