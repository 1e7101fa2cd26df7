import ParleyCore
import ParleyWire

/// An embedding application's own login for ``ParleyServer``: it answers the hellos of the
/// schemes it supports, taking as long as it needs (a database lookup, a JWT whose signing
/// keys rotate); the connection waits within its handshake deadline (SESSION-3) and every
/// other connection goes on meanwhile. Hellos of other schemes go to the
/// ``ReferenceAuthenticator`` (signed tokens, anonymous visitors).
///
/// ```swift
/// struct ShopLogin: HostAuthenticator {
///     let sessions: ShopSessions
///     func supports(scheme: String) -> Bool { scheme == "shop" }
///     func authenticate(_ request: AuthenticationRequest) async -> Result<AuthenticatedIdentity, AuthFailure> {
///         guard let customer = await sessions.customer(cookie: request.auth.credential ?? "") else {
///             return .failure(AuthFailure(.authFailed, "not logged in"))
///         }
///         return .success(AuthenticatedIdentity(identity: Wire.Identity(user: customer.id, role: .visitor)))
///     }
/// }
/// let server = ParleyServer(configuration: configuration, authenticator: ShopLogin(sessions: sessions))
/// ```
public protocol HostAuthenticator: Sendable {
    /// Whether this authenticator answers hellos of `scheme`.
    func supports(scheme: String) -> Bool
    /// The identity behind `request`'s credentials, or why they are refused (`AUTH_FAILED`,
    /// `TOKEN_EXPIRED`, or the host's own code).
    func authenticate(_ request: AuthenticationRequest) async -> Result<AuthenticatedIdentity, AuthFailure>
}

/// One hello's credentials, as a ``HostAuthenticator`` receives them.
public struct AuthenticationRequest: Sendable, Hashable {
    /// The connection that sent the hello.
    public var connection: ConnectionID
    /// The hello's credentials.
    public var auth: Wire.Auth
    /// The client's address (the peer's, or the one a trusted proxy named, ABUSE-13).
    public var address: SourceAddress

    /// A request for `auth` from `connection` at `address`.
    public init(connection: ConnectionID, auth: Wire.Auth, address: SourceAddress) {
        self.connection = connection
        self.auth = auth
        self.address = address
    }
}
