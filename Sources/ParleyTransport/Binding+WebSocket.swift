/// The WebSocket subprotocols (WS-1), for any WebSocket server that carries Parley.
extension Binding {
    /// The WebSocket subprotocols of WS-1 and their bindings, in the server's order of preference.
    public static let webSocketSubprotocols: [(name: String, binding: Binding)] = [
        ("parley.v1.binary", .webSocketBinary), ("parley.v1.json", .webSocketJSON),
    ]

    /// The subprotocol to answer an upgrade with: the first of ``webSocketSubprotocols`` the
    /// client offered in its `Sec-WebSocket-Protocol` header values (each may list several,
    /// comma-separated); `nil` if it offered none of them (refuse the upgrade, WS-1).
    public static func webSocketSubprotocol(offered headerValues: some Sequence<String>) -> (name: String, binding: Binding)? {
        let offered = Set(headerValues.flatMap { $0.split(separator: ",") }.map { String($0.filter { $0 != " " && $0 != "\t" }) })
        return webSocketSubprotocols.first { offered.contains($0.name) }
    }
}
