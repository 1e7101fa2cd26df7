import ParleyWire

/// Accepts scheme `token`: HMAC-SHA256-signed tokens carrying user, role, teams and an expiry
/// (SESSION-6), minted by the embedding server with ``mint(_:)`` (the CLI prints one for an
/// agent at start).
///
/// ```swift
/// let auth = SignedTokenAuthenticator(key: secret)
/// let token = auth.mint(TokenClaims(user: "ana", role: .agent, teams: ["sales"],
///                                   expiresAt: now.adding(milliseconds: 86_400_000)))!
/// ```
public struct SignedTokenAuthenticator: Authenticator, Sendable {
    private static let purpose = "t"
    private let signer: TokenSigner

    /// Verifies (and mints) tokens with `key`.
    public init(key: [UInt8]) { signer = TokenSigner(key: key) }

    /// The token for `claims`, or `nil` if the user or a team id contains `|` or `,`.
    public func mint(_ claims: TokenClaims) -> String? { claims.mint(purpose: Self.purpose, signer: signer) }

    public func supports(scheme: String) -> Bool { scheme == "token" }

    public func authenticate(_ auth: Wire.Auth, now: Instant) -> Result<AuthenticatedIdentity, AuthFailure> {
        guard let credential = auth.credential else { return .failure(AuthFailure(.authFailed, "scheme 'token' needs a credential")) }
        return TokenClaims.verify(credential, purpose: Self.purpose, signer: signer, now: now)
            .map { AuthenticatedIdentity(identity: $0.identity) }
    }
}
