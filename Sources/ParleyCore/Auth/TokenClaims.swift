import ParleyWire

/// What a signed identity token asserts: who, in which role, teams and skills, with which
/// concurrency cap, until when.
///
/// Encoded as the fields `purpose|user|role|teams|expiresAt` of a ``TokenSigner`` token,
/// teams joined by `,` and the expiry in ms since the epoch, followed by `|skills|maxConcurrent`
/// when either is set (skills joined by `,`, the cap in decimal or empty) (SESSION-6).
public struct TokenClaims: Sendable, Hashable {
    /// The user id.
    public var user: String
    /// The role granted.
    public var role: Role
    /// Teams an agent belongs to.
    public var teams: [String]
    /// The first instant at which the token is no longer valid.
    public var expiresAt: Instant
    /// An agent's skills (ROUTE-13).
    public var skills: [String]
    /// An agent's concurrency cap (ROUTE-5); `nil` for the team default.
    public var maxConcurrent: UInt64?

    /// Creates claims.
    public init(
        user: String, role: Role, teams: [String] = [], skills: [String] = [], maxConcurrent: UInt64? = nil, expiresAt: Instant
    ) {
        self.user = user
        self.role = role
        self.teams = teams
        self.skills = skills
        self.maxConcurrent = maxConcurrent
        self.expiresAt = expiresAt
    }

    /// The identity these claims grant.
    public var identity: Wire.Identity {
        Wire.Identity(user: user, role: role, teams: teams, skills: skills, maxConcurrent: maxConcurrent)
    }

    /// The signed token for these claims with `purpose`, or `nil` if the user or a team
    /// contains `|` or `,`, or the user is empty.
    func mint(purpose: String, signer: TokenSigner) -> String? {
        guard !user.isEmpty, !user.utf8.contains(UInt8(ascii: ",")),
              !(teams + skills).contains(where: { $0.isEmpty || $0.utf8.contains(UInt8(ascii: ",")) })
        else { return nil }
        var fields = [purpose, user, role.jsonName, teams.joined(separator: ","), String(expiresAt.rawValue)]
        if !skills.isEmpty || maxConcurrent != nil {
            fields += [skills.joined(separator: ","), maxConcurrent.map(String.init) ?? ""]
        }
        return signer.sign(fields)
    }

    /// Opens a token of `purpose`: the claims, or `AUTH_FAILED` (bad MAC, form or purpose) or
    /// `TOKEN_EXPIRED` (valid but `now` is at or past its expiry).
    static func verify(_ token: String, purpose: String, signer: TokenSigner, now: Instant) -> Result<TokenClaims, AuthFailure> {
        let invalid = AuthFailure(.authFailed, "the credential is not a valid \(purpose == "s" ? "session" : "signed") token")
        guard let fields = signer.open(token), fields.count == 5 || fields.count == 7, fields[0] == purpose,
              !fields[1].isEmpty, let role = Role(jsonName: fields[2]), let expiry = UInt64(fields[4])
        else { return .failure(invalid) }
        let list = { (text: String) in text.split(separator: ",").map(String.init) }
        var claims = TokenClaims(user: fields[1], role: role, teams: list(fields[3]), expiresAt: Instant(rawValue: expiry))
        if fields.count == 7 {
            claims.skills = list(fields[5])
            if !fields[6].isEmpty {
                guard let cap = UInt64(fields[6]), cap >= 1 else { return .failure(invalid) }
                claims.maxConcurrent = cap
            }
        }
        guard now < claims.expiresAt else { return .failure(AuthFailure(.tokenExpired, "the credential expired")) }
        return .success(claims)
    }
}
