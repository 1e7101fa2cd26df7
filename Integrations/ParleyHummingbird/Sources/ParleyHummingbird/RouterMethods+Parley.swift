import HTTPTypes
import Hummingbird
import ParleyCore
import ParleyNIO
import NIOHTTP1
import ParleyTransport

extension RouterMethods {
    /// Mounts Parley's WebSocket endpoint on `path` of the app's router, behind the router's
    /// middleware (the app's sessions and login). The app's server must be built with
    /// ``HummingbirdCore/HTTPServerBuilder/parley(_:router:configuration:)``.
    ///
    /// `identify` maps the app's user to a Parley identity for each upgrade request: a visitor
    /// with the customer's account id (and `vouched` facts shown to agents, CONV-38), an agent
    /// with teams, skills and capacity, a supervisor; with `expiresAt` set to the end of the
    /// app's login session (SESSION-39). The client's hello then uses scheme `transport`
    /// (SESSION-38). Return `nil` to let the client in without one (an anonymous visitor, or a
    /// token); throw (`HTTPError(.unauthorized)`) to refuse the upgrade with that HTTP status.
    ///
    /// A plain GET of `path` (no upgrade) is answered 400 (WS-1); an `Origin` the chat does not
    /// allow, 403 (WS-6); an upgrade before ``ParleyChat`` has recovered the server from its
    /// store, or while it shuts down, 503 with `Retry-After`.
    @discardableResult
    public func parley(
        _ path: RouterPath, _ chat: ParleyChat,
        identify: @escaping @Sendable (Request, Context) async throws -> AuthenticatedIdentity?
    ) -> Self {
        let upgrade = WebSocketUpgrade(acceptor: chat.server, configuration: chat.configuration)
        return get(path) { request, context -> Response in
            let head = request.head
            var headers = HTTPHeaders()
            for field in head.headerFields { headers.add(name: field.name.rawName, value: field.value) }
            guard upgrade.allowsOrigin(headers) else {
                throw HTTPError(.forbidden, message: "this page's origin may not open chat sessions (WS-6)")
            }
            guard chat.isReady else {
                // Not recovered from the store yet (STORE-6), or shutting down: come back shortly.
                throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"], message: "the chat is starting or stopping")
            }
            let identity = try await identify(request, context)
            guard let marker = head.headerFields[ParleyUpgrade.marker],
                  chat.upgrades.withLock({ upgrades in
                      guard case .pending? = upgrades[marker] else { return false }
                      upgrades[marker] = .identified(identity)
                      return true
                  })
            else {
                throw HTTPError(.badRequest, message: ParleyUpgrade.subprotocolRequired)
            }
            return Response(status: .ok)
        }
    }
}
