import ParleyCore
import ParleyWire
import Testing

@Suite struct AuthenticatorTests {
    let key = Array("a test key of thirty-two bytes!!".utf8)
    let now = Instant(milliseconds: 1_700_000_000_000)

    @Test func signedTokenGrantsItsClaimsUntilExpiry() throws {
        let auth = SignedTokenAuthenticator(key: key)
        let token = try #require(auth.mint(TokenClaims(user: "ana", role: .agent, teams: ["sales", "vip"],
                                                       expiresAt: now.adding(milliseconds: 1_000))))
        let result = auth.authenticate(Wire.Auth(scheme: "token", credential: token), now: now)
        #expect(result == .success(AuthenticatedIdentity(identity: Wire.Identity(user: "ana", role: .agent, teams: ["sales", "vip"]))))
        // SESSION-6: at the expiry instant the token is expired.
        let expired = auth.authenticate(Wire.Auth(scheme: "token", credential: token), now: now.adding(milliseconds: 1_000))
        #expect(expired.failureCode == .tokenExpired)
    }

    /// SESSION-6's 7-field form: skills and a cap travel in the token and reach the identity;
    /// a cap of 0 or a non-number is a malformed token.
    @Test func signedTokenCarriesSkillsAndCap() throws {
        let auth = SignedTokenAuthenticator(key: key)
        let later = now.adding(milliseconds: 1_000)
        let token = try #require(auth.mint(TokenClaims(
            user: "ana", role: .agent, teams: ["sales"], skills: ["billing", "fr"], maxConcurrent: 4, expiresAt: later)))
        let identity = Wire.Identity(user: "ana", role: .agent, teams: ["sales"], skills: ["billing", "fr"], maxConcurrent: 4)
        #expect(auth.authenticate(Wire.Auth(scheme: "token", credential: token), now: now) == .success(AuthenticatedIdentity(identity: identity)))
        let signer = TokenSigner(key: key)
        for cap in ["0", "x", "-1"] {
            let bad = try #require(signer.sign(["t", "ana", "agent", "sales", String(later.rawValue), "billing", cap]))
            #expect(auth.authenticate(Wire.Auth(scheme: "token", credential: bad), now: now).failureCode == .authFailed, "\(cap)")
        }
        let sixFields = try #require(signer.sign(["t", "ana", "agent", "sales", String(later.rawValue), "billing"]))
        #expect(auth.authenticate(Wire.Auth(scheme: "token", credential: sixFields), now: now).failureCode == .authFailed)
        let skillsOnly = try #require(signer.sign(["t", "ana", "agent", "sales", String(later.rawValue), "billing", ""]))
        #expect(auth.authenticate(Wire.Auth(scheme: "token", credential: skillsOnly), now: now)
            == .success(AuthenticatedIdentity(identity: Wire.Identity(user: "ana", role: .agent, teams: ["sales"], skills: ["billing"]))))
    }

    @Test func tamperedForeignOrMalformedTokensFailAuthentication() throws {
        let auth = SignedTokenAuthenticator(key: key)
        let token = try #require(auth.mint(TokenClaims(user: "ana", role: .agent, expiresAt: now.adding(milliseconds: 60_000))))
        let forged = try #require(SignedTokenAuthenticator(key: Array("another key".utf8))
            .mint(TokenClaims(user: "ana", role: .supervisor, expiresAt: now.adding(milliseconds: 60_000))))
        var flipped = Array(token.utf8)
        flipped[2] = flipped[2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        for credential in [forged, String(decoding: flipped, as: UTF8.self), "x", "", "a.b.c", token + "A"] {
            #expect(auth.authenticate(Wire.Auth(scheme: "token", credential: credential), now: now).failureCode == .authFailed,
                    "\(credential)")
        }
        #expect(auth.authenticate(Wire.Auth(scheme: "token"), now: now).failureCode == .authFailed)
    }

    @Test func mintRefusesSeparatorsInIds() {
        let auth = SignedTokenAuthenticator(key: key)
        #expect(auth.mint(TokenClaims(user: "a|b", role: .agent, expiresAt: now)) == nil)
        #expect(auth.mint(TokenClaims(user: "a,b", role: .agent, expiresAt: now)) == nil)
        #expect(auth.mint(TokenClaims(user: "a", role: .agent, teams: ["x,y"], expiresAt: now)) == nil)
    }

    @Test func anonymousVisitorsGetDistinctIdsAndComeBackWithTheirSessionToken() throws {
        var auth = AnonymousVisitorAuthenticator(key: key, instance: "test")
        let first = try auth.authenticate(Wire.Auth(scheme: "anonymous"), now: now).get()
        let second = try auth.authenticate(Wire.Auth(scheme: "anonymous"), now: now).get()
        #expect(first.identity.role == .visitor)
        #expect(first.identity.user != second.identity.user)
        let token = try #require(first.sessionToken)
        // SESSION-7: the session token makes the same visitor again.
        let again = try auth.authenticate(Wire.Auth(scheme: "session", credential: token), now: now.adding(milliseconds: 5_000)).get()
        #expect(again.identity.user == first.identity.user)
        // A session token is not an access token (SESSION-6: purposes never mix).
        #expect(SignedTokenAuthenticator(key: key).authenticate(Wire.Auth(scheme: "token", credential: token), now: now)
            .failureCode == .authFailed)
    }

    @Test func pairRoutesBySchemeAndRejectsUnknownSchemes() {
        var auth = AuthenticatorPair(SignedTokenAuthenticator(key: key), AnonymousVisitorAuthenticator(key: key, instance: "t"))
        #expect(auth.supports(scheme: "anonymous") && auth.supports(scheme: "token") && !auth.supports(scheme: "basic"))
        #expect((try? auth.authenticate(Wire.Auth(scheme: "anonymous"), now: now).get())?.identity.role == .visitor)
        #expect(auth.authenticate(Wire.Auth(scheme: "basic", credential: "x"), now: now).failureCode == .authFailed)
    }
}

extension Result where Failure == AuthFailure {
    /// The failure's code, `nil` on success.
    var failureCode: ErrorCode? {
        if case .failure(let failure) = self { failure.code } else { nil }
    }
}
