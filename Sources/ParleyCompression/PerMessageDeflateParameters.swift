/// The permessage-deflate parameters in force on one connection, seen from the server, and
/// the response header that announces them.
public struct PerMessageDeflateParameters: Hashable, Sendable {
    /// The server resets its compressor after every message.
    public var serverNoContextTakeover: Bool
    /// The client resets its compressor after every message, so the server resets its
    /// decompressor too.
    public var clientNoContextTakeover: Bool
    /// The window the server compresses with, 2^bits (8...15).
    public var serverMaxWindowBits: Int
    /// The largest window the client may compress with, 2^bits (8...15).
    public var clientMaxWindowBits: Int
    /// The `Sec-WebSocket-Extensions` response value, e.g.
    /// `permessage-deflate; server_no_context_takeover; client_max_window_bits=10`.
    public var responseHeaderValue: String

    /// Parameters with an explicit response value.
    public init(
        serverNoContextTakeover: Bool, clientNoContextTakeover: Bool,
        serverMaxWindowBits: Int, clientMaxWindowBits: Int, responseHeaderValue: String
    ) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
        self.responseHeaderValue = responseHeaderValue
    }
}
