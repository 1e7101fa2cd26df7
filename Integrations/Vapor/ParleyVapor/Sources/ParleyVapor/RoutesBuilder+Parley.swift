import ParleyCore
import ParleyNIO
import ParleyTransport
import Vapor

extension RoutesBuilder {
    /// Serves Parley's WebSocket binding (WS-1…WS-6) on `GET path` of these routes, so the
    /// app's own middleware (sessions, authenticators, guards) runs on the upgrade request first.
    ///
    /// Before the upgrade, in this order: an `Origin` that is not the app's own nor allowed is
    /// refused with 403 (WS-6); a request that is no WebSocket upgrade with 426; one that offers
    /// neither `parley.v1.json` nor `parley.v1.binary` with 400 (WS-1). Then `identify` maps the
    /// app's login (`req.auth`) to the identity a hello of scheme `transport` gets (SESSION-38):
    /// `nil` lets the client in anonymously (it then says hello with `anonymous`, `session` or
    /// `token`), and an error it throws is the answer, as with any route — `Abort(.unauthorized)`
    /// is a 401 before any upgrade. Otherwise the upgrade answers the chosen subprotocol and the
    /// connection goes to `server`.
    ///
    /// ```swift
    /// app.grouped(app.sessions.middleware, Customer.sessionAuthenticator())
    ///     .parley("chat", server: server) { req in
    ///         guard let customer = req.auth.get(Customer.self) else { return nil }
    ///         return AuthenticatedIdentity(identity: .init(user: customer.id, role: .visitor))
    ///     }
    /// ```
    ///
    /// The client's address (for the per-address limits, ABUSE) is the peer of the TCP
    /// connection, `req.remoteAddress`, or the one a trusted proxy names
    /// (``ParleyRouteConfiguration/trustedProxies``, ABUSE-13).
    /// - Parameters:
    ///   - path: the route's path components.
    ///   - server: the Parley server (usually a `ParleyServer`) that takes the connections.
    ///   - configuration: the message limit and the allowed origins.
    ///   - identify: who the app's login says the client is, `nil` for no one; runs on every upgrade.
    /// - Returns: the route, for the app to name or describe.
    @discardableResult
    public func parley(
        _ path: PathComponent..., server: any ConnectionAcceptor, configuration: ParleyRouteConfiguration = .init(),
        identify: @escaping @Sendable (Request) async throws -> AuthenticatedIdentity?
    ) -> Route {
        let origins = configuration.origins
        let limits = configuration.limits
        // Room above the message limit, so an oversized message gets MESSAGE_TOO_LARGE from
        // Parley (WS-3), not the framework's own close; the same size the NIO transport uses.
        let maxFrameSize = WebSocketUpgrade(acceptor: server, configuration: .init(maxMessage: configuration.maxMessage)).maxFrameSize
        return on(.GET, path) { req async throws -> Response in
            guard origins.allows(req.headers) else {
                throw Abort(.forbidden, reason: "this page's Origin may not open Parley sessions (WS-6)")
            }
            guard req.headers[.upgrade].contains(where: { $0.lowercased() == "websocket" }) else {
                throw Abort(.upgradeRequired, headers: ["Upgrade": "websocket"], reason: "Parley is served over a WebSocket upgrade here (WS-1)")
            }
            guard let (subprotocol, binding) = Binding.webSocketSubprotocol(offered: req.headers["Sec-WebSocket-Protocol"]) else {
                throw Abort(.badRequest, reason: "offer the WebSocket subprotocol parley.v1.json or parley.v1.binary (WS-1)")
            }
            let identity = try await identify(req)
            let address = SourceAddress.forwarded(
                peer: SourceAddress(peer: req.remoteAddress), headers: req.headers, trusted: configuration.trustedProxies)
            return req.webSocket(
                maxFrameSize: WebSocketMaxFrameSize(integerLiteral: maxFrameSize),
                shouldUpgrade: { req in req.eventLoop.makeSucceededFuture(["Sec-WebSocket-Protocol": subprotocol]) },
                onUpgrade: { _, ws in
                    // On the connection's event loop, before any message is read.
                    let bridge = WebSocketBridge.open(to: server, binding: binding, limits: limits, from: address, identity: identity)
                    ws.carry(bridge)
                })
        }
    }
}
