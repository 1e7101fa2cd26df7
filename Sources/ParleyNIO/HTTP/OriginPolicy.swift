import NIOHTTP1

/// Which web pages may open WebSocket sessions (WS-6): a browser sends the page's `Origin` with
/// the upgrade, and a server that accepts any origin lets every other site open visitor
/// sessions in its users' browsers.
public struct OriginPolicy: Sendable, Hashable {
    /// Origins allowed besides the server's own, exactly as browsers send them
    /// (`https://shop.example`).
    public var allowed: Set<String>
    /// Whether pages served from a loopback host (`127.0.0.1`, `localhost`, `[::1]`) may connect:
    /// local development.
    public var allowsLoopback: Bool

    /// Creates a policy; by default only the server's own pages and loopback ones.
    public init(allowed: Set<String> = [], allowsLoopback: Bool = true) {
        // Browsers send scheme and host in lower case.
        self.allowed = Set(allowed.map { $0.lowercased() })
        self.allowsLoopback = allowsLoopback
    }

    /// Whether an upgrade request with these headers may proceed: no `Origin` (not a browser),
    /// the server's own origin (the `Host` it was asked for), a loopback page when allowed, or
    /// an allowed origin.
    public func allows(_ headers: HTTPHeaders) -> Bool {
        guard let origin = headers.first(name: "Origin")?.lowercased() else { return true }
        if allowed.contains(origin) { return true }
        guard let schemeEnd = origin.firstRange(of: "://") else { return false }
        let authority = String(origin[schemeEnd.upperBound...])
        if let host = headers.first(name: "Host")?.lowercased(), host == authority { return true }
        let hostname = authority.hasPrefix("[") ? String(authority.prefix { $0 != "]" }) + "]" : String(authority.prefix { $0 != ":" })
        return allowsLoopback && ["127.0.0.1", "localhost", "[::1]"].contains(hostname)
    }
}
