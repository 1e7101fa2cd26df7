import ParleyCore
import ParleyNIO
import ParleyTransport

/// How a Parley route answers WebSocket upgrades: the message limit and the web pages that may
/// open sessions.
///
/// ```swift
/// routes.parley("chat", server: server, configuration: .init(allowedOrigins: ["https://shop.example"])) { req in … }
/// ```
public struct ParleyRouteConfiguration: Sendable {
    /// The largest WebSocket message a client may send (WS-3); larger ones are `MESSAGE_TOO_LARGE`.
    public var maxMessage: Int
    /// Origins whose pages may open sessions besides the app's own (the `Host` the upgrade was
    /// sent to), exactly as browsers send them (`https://shop.example`); any other `Origin` is
    /// refused with 403 (WS-6). An upgrade without `Origin` (not a browser) is accepted.
    public var allowedOrigins: Set<String>
    /// Whether pages served from a loopback host (`localhost`, `127.0.0.1`, `[::1]`) may open
    /// sessions: local development. Off by default: an app in production serves no such page.
    public var allowsLoopbackOrigins: Bool
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers name the client's address
    /// (ABUSE-13); empty trusts none, and the client's address is the TCP peer's.
    public var trustedProxies: [AddressRange]

    /// Creates a configuration: 64 KiB messages, only the app's own pages, no trusted proxy.
    public init(
        maxMessage: Int = 65_536, allowedOrigins: Set<String> = [], allowsLoopbackOrigins: Bool = false, trustedProxies: [AddressRange] = []
    ) {
        self.maxMessage = maxMessage
        self.allowedOrigins = allowedOrigins
        self.allowsLoopbackOrigins = allowsLoopbackOrigins
        self.trustedProxies = trustedProxies
    }

    /// The limits every connection's codec applies.
    var limits: ConnectionProfile.Limits { ConnectionProfile.Limits(maxMessage: maxMessage) }

    /// The reference server's origin check, with these origins.
    var origins: OriginPolicy { OriginPolicy(allowed: allowedOrigins, allowsLoopback: allowsLoopbackOrigins) }
}
