import ParleyWire

/// Turns the credentials of a `hello` into an identity (SESSION-4): the seam where an
/// embedding server plugs in its own user directory.
///
/// The session machine never calls it: it returns `.authenticate(auth)` and the host runs the
/// authenticator (synchronously or not) and feeds the result back with
/// `ServerSession.authenticated(_:now:registry:)`. Authenticators are values; one that issues
/// identifiers (``AnonymousVisitorAuthenticator``) mutates its counter.
public protocol Authenticator {
    /// Whether this authenticator understands credentials of `scheme` (`token`, `anonymous`,
    /// `session`, or an embedding server's own).
    func supports(scheme: String) -> Bool

    /// Checks `auth` at time `now`: the identity and role on success, the error code
    /// (`AUTH_FAILED`, `TOKEN_EXPIRED`) and a message on failure.
    mutating func authenticate(_ auth: Wire.Auth, now: Instant) -> Result<AuthenticatedIdentity, AuthFailure>
}

/// Who a client turned out to be, and anything the welcome must hand back to it.
public struct AuthenticatedIdentity: Sendable, Hashable {
    /// The identity announced in the welcome and used to key idempotency (SESSION-23).
    public var identity: Wire.Identity
    /// A credential of scheme `session` for anonymous visitors (welcome.sessionToken).
    public var sessionToken: String?
    /// When the credentials stop being valid (the host's login session ends): the server then
    /// closes the connection with `CREDENTIALS_EXPIRED` (SESSION-39); `nil` for never.
    public var expiresAt: Instant?
    /// The host's login session these credentials come from (its session id), so that logging
    /// out of one device signs out only that login's connections (SESSION-39); `nil` for none.
    public var login: String?
    /// Facts the host vouches for about a visitor (the customer's name, their order count):
    /// set on every conversation the visitor starts, over the visitor's own values of those
    /// keys, which the visitor cannot change afterwards (CONV-38).
    public var vouched: [Wire.Property]

    /// Wraps an identity, an optional session token, when the credentials expire, the host's
    /// login session they come from and the facts the host vouches for.
    public init(
        identity: Wire.Identity, sessionToken: String? = nil, expiresAt: Instant? = nil, login: String? = nil, vouched: [Wire.Property] = []
    ) {
        self.identity = identity
        self.sessionToken = sessionToken
        self.expiresAt = expiresAt
        self.login = login
        self.vouched = vouched
    }
}

/// Why credentials were refused: the code sent in the fatal `error` (SESSION-5).
public struct AuthFailure: Error, Sendable, Hashable {
    /// `AUTH_FAILED` or `TOKEN_EXPIRED`; the host's own refusals use theirs (ABUSE section).
    public var code: ErrorCode
    /// A human-readable reason, safe to show the client (never a key or an expected MAC).
    public var message: String
    /// When a hello may be tried again, for refusals that lift with time (ABUSE-3, -4, -10).
    public var retryAfterMs: UInt64?
    /// The requirement that refused the hello (SESSION-5 for credentials).
    public var requirement: String

    /// Creates a failure.
    public init(_ code: ErrorCode, _ message: String, retryAfterMs: UInt64? = nil, requirement: String = "SESSION-5") {
        self.code = code
        self.message = message
        self.retryAfterMs = retryAfterMs
        self.requirement = requirement
    }
}

/// Two authenticators as one: each scheme goes to the first that supports it, so a server can
/// accept agents' signed tokens and anonymous visitors side by side without existentials.
public struct AuthenticatorPair<First: Authenticator, Second: Authenticator>: Authenticator {
    /// Consulted first.
    public var first: First
    /// Consulted for schemes `first` does not support.
    public var second: Second

    /// Combines two authenticators.
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    public func supports(scheme: String) -> Bool { first.supports(scheme: scheme) || second.supports(scheme: scheme) }

    public mutating func authenticate(_ auth: Wire.Auth, now: Instant) -> Result<AuthenticatedIdentity, AuthFailure> {
        if first.supports(scheme: auth.scheme) { return first.authenticate(auth, now: now) }
        if second.supports(scheme: auth.scheme) { return second.authenticate(auth, now: now) }
        return .failure(AuthFailure(.authFailed, "unknown auth scheme '\(auth.scheme)'"))
    }
}

extension AuthenticatorPair: Sendable where First: Sendable, Second: Sendable {}
