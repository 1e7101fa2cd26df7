import ParleyTransport

/// Where a client connects: `tcp://HOST:PORT` (byte-stream binding) or
/// `ws://HOST:PORT/PATH` (WebSocket binding, with the JSON or binary subprotocol).
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// How messages travel.
    public var binding: Binding
    /// The host name or address.
    public var host: String
    /// The port.
    public var port: Int
    /// The WebSocket path (WebSocket endpoints only).
    public var path: String
    /// The local IP address to connect from (any by default): tests use several loopback
    /// addresses to stand for several clients (ABUSE-1).
    public var localAddress: String?
    /// Extra headers of the WebSocket upgrade request (e.g. `X-Forwarded-For` from a proxy, ABUSE-13).
    public var upgradeHeaders: [String: String] = [:]
    /// Whether the WebSocket upgrade offers permessage-deflate, both directions without
    /// context takeover (RFC 7692); if the server accepts, the messages it compresses are
    /// inflated (COMP-17) and ``ClientConnection/sendCompressed(_:)`` may be used.
    public var offersPerMessageDeflate = false

    /// Creates an endpoint from its parts.
    public init(binding: Binding, host: String, port: Int, path: String = "/parley") {
        self.binding = binding
        self.host = host
        self.port = port
        self.path = path
    }

    /// Parses `tcp://127.0.0.1:7400` or `ws://127.0.0.1:7401/parley`; for WebSocket,
    /// `json` selects `parley.v1.json` (else `parley.v1.binary`). Returns `nil` if malformed.
    public init?(_ text: String, json: Bool = true) {
        let scheme: Binding
        var rest: Substring
        if text.hasPrefix("tcp://") {
            scheme = .stream
            rest = text.dropFirst(6)
        } else if text.hasPrefix("ws://") {
            scheme = json ? .webSocketJSON : .webSocketBinary
            rest = text.dropFirst(5)
        } else {
            return nil
        }
        var path = "/parley"
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), port > 0, port < 65_536
        else { return nil }
        self.init(binding: scheme, host: String(rest[..<colon]), port: port, path: path)
    }

    public var description: String {
        switch binding {
        case .stream, .inProcess: "tcp://\(host):\(port)"
        case .webSocketJSON, .webSocketBinary: "ws://\(host):\(port)\(path) (\(binding == .webSocketJSON ? "json" : "binary"))"
        }
    }
}
