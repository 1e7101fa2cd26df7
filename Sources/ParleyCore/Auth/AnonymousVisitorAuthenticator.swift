import ParleyWire

/// Accepts anonymous visitors (scheme `anonymous`) and their return (scheme `session`,
/// SESSION-7): a new visitor gets a fresh user id and a signed session token in the welcome;
/// presenting that token later makes them the same visitor until it expires.
public struct AnonymousVisitorAuthenticator: Authenticator, Sendable {
    private static let purpose = "s"
    private let signer: TokenSigner
    private let key: [UInt8]
    private let instance: String
    private let tokenLifetimeMs: UInt64
    private var issued: UInt64 = 0

    /// - Parameters:
    ///   - key: the MAC key for session tokens and visitor ids.
    ///   - instance: distinguishes this server run (e.g. a random string chosen at start), so
    ///     visitor ids never repeat across restarts.
    ///   - tokenLifetimeMs: how long a session token stays valid (default 30 days).
    public init(key: [UInt8], instance: String, tokenLifetimeMs: UInt64 = 30 * 86_400_000) {
        signer = TokenSigner(key: key)
        self.key = key
        self.instance = instance
        self.tokenLifetimeMs = tokenLifetimeMs
    }

    public func supports(scheme: String) -> Bool { scheme == "anonymous" || scheme == "session" }

    public mutating func authenticate(_ auth: Wire.Auth, now: Instant) -> Result<AuthenticatedIdentity, AuthFailure> {
        if auth.scheme == "session" {
            guard let credential = auth.credential else { return .failure(AuthFailure(.authFailed, "scheme 'session' needs a credential")) }
            return TokenClaims.verify(credential, purpose: Self.purpose, signer: signer, now: now).flatMap { claims in
                guard claims.role == .visitor else { return .failure(AuthFailure(.authFailed, "a session token is for visitors only")) }
                return .success(AuthenticatedIdentity(identity: claims.identity, sessionToken: credential))
            }
        }
        issued += 1
        let mac = HMACSHA256.authenticationCode(key: key, message: Array("visitor|\(instance)|\(issued)".utf8))
        let claims = TokenClaims(user: "v-" + Base64URL.encode(mac.prefix(12)), role: .visitor,
                                 expiresAt: now.adding(milliseconds: tokenLifetimeMs))
        // The user id is base64url, so minting cannot fail.
        return .success(AuthenticatedIdentity(identity: claims.identity, sessionToken: claims.mint(purpose: Self.purpose, signer: signer)))
    }
}
