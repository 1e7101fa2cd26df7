import ParleyCore
import ParleyWire

/// Signs the bench's agent tokens with the server's key, as the embedding application of a
/// real deployment does (SESSION-6): `parley serve --key HEX` and the bench share the key.
struct TokenMinter: Sendable {
    private let authenticator: SignedTokenAuthenticator
    private let team: String
    private let expiresAt: Instant

    init(key: [UInt8], team: String) {
        authenticator = SignedTokenAuthenticator(key: key)
        self.team = team
        // One day of validity from the wall clock (tokens carry epoch ms).
        expiresAt = Instant(rawValue: WallTime.milliseconds() + 86_400_000)
    }

    /// The `token` auth of agent `user`.
    func auth(_ user: String) -> Wire.Auth {
        let claims = TokenClaims(user: user, role: .agent, teams: [team], expiresAt: expiresAt)
        return Wire.Auth(scheme: "token", credential: authenticator.mint(claims))
    }
}
