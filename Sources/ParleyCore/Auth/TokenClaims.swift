import ParleyWire

/// What a signed identity token asserts: who, in which role and teams, until when.
///
/// Encoded as the fields `purpose|user|role|teams|expiresAt` of a ``TokenSigner`` token,
/// teams joined by `,` and the expiry in ms since the epoch.
public struct TokenClaims: Sendable, Hashable {
    /// The user id.
    public var user: String
    /// The role granted.
    public var role: Role
    /// Teams an agent belongs to.
    public var teams: [String]
    /// The first instant at which the token is no longer valid.
    public var expiresAt: Instant

    /// Creates claims.
    public init(user: String, role: Role, teams: [String] = [], expiresAt: Instant) {
        self.user = user
        self.role = role
        self.teams = teams
        self.expiresAt = expiresAt
    }

    /// The identity these claims grant.
    public var identity: Wire.Identity { Wire.Identity(user: user, role: role, teams: teams) }

    /// The signed token for these claims with `purpose`, or `nil` if the user or a team
    /// contains `|` or `,`, or the user is empty.
    func mint(purpose: String, signer: TokenSigner) -> String? {
        guard !user.isEmpty, !user.utf8.contains(UInt8(ascii: ",")),
              !teams.contains(where: { $0.isEmpty || $0.utf8.contains(UInt8(ascii: ",")) })
        else { return nil }
        return signer.sign([purpose, user, role.jsonName, teams.joined(separator: ","), String(expiresAt.rawValue)])
    }

    /// Opens a token of `purpose`: the claims, or `AUTH_FAILED` (bad MAC, form or purpose) or
    /// `TOKEN_EXPIRED` (valid but `now` is at or past its expiry).
    static func verify(_ token: String, purpose: String, signer: TokenSigner, now: Instant) -> Result<TokenClaims, AuthFailure> {
        guard let fields = signer.open(token), fields.count == 5, fields[0] == purpose,
              !fields[1].isEmpty, let role = Role(jsonName: fields[2]), let expiry = UInt64(fields[4])
        else { return .failure(AuthFailure(.authFailed, "the credential is not a valid \(purpose == "s" ? "session" : "signed") token")) }
        let claims = TokenClaims(
            user: fields[1], role: role,
            teams: fields[3].isEmpty ? [] : fields[3].split(separator: ",").map(String.init),
            expiresAt: Instant(rawValue: expiry))
        guard now < claims.expiresAt else { return .failure(AuthFailure(.tokenExpired, "the credential expired")) }
        return .success(claims)
    }
}
