import ParleyCore
import ParleyWire
import Testing

@Suite struct ServerSessionHandshakeTests {
    @Test func anonymousHelloIsWelcomedWithLimitsIdentityAndSessionToken() throws {
        var f = SessionFixture()
        let (connection, welcome, _) = f.connect()
        let w = try #require(welcome)
        // SESSION-4, SESSION-7, SESSION-8.
        #expect(w.rid == 1 && w.version == 1)
        #expect(w.identity.role == .visitor)
        #expect(w.limits == SessionConfiguration().limits)
        #expect(w.sessionToken != nil && !w.resumeToken.isEmpty && w.resume == nil)
        #expect(w.serverTime == f.now.rawValue)
        #expect(f.server.isOpen(connection))
        // SESSION-7: the session token makes the same visitor again.
        let (_, again, _) = f.connect(auth: Wire.Auth(scheme: "session", credential: w.sessionToken))
        #expect(again?.identity.user == w.identity.user)
        #expect(again?.session != w.session)
    }

    @Test func versionNegotiationPicksTheFirstSupportedOrFails() {
        var f = SessionFixture()
        let c1 = f.server.open(now: f.now)
        let r1 = f.send(.hello(Wire.Hello(rid: 7, versions: [3, 1], auth: Wire.Auth(scheme: "anonymous"))), on: c1)
        #expect({ if case .welcome(let w) = r1.first { w.version == 1 } else { false } }())
        let c2 = f.server.open(now: f.now)
        let r2 = f.send(.hello(Wire.Hello(rid: 7, versions: [2, 3], auth: Wire.Auth(scheme: "anonymous"))), on: c2)
        // SESSION-2 / VER-1.
        #expect(r2.first?.errorCode == .unsupportedVersion)
        #expect(!f.server.isOpen(c2) && f.server.closed[c2] == .unsupportedVersion)
    }

    @Test func anythingBeforeHelloIsNotAuthenticated() {
        var f = SessionFixture()
        for early in [SessionFixture.sendCommand(rid: 2, id: "m"), .ping(Wire.Ping(nonce: 1)), .ack(Wire.Ack(seq: 0))] {
            let c = f.server.open(now: f.now)
            let replies = f.send(early, on: c)
            // SESSION-1.
            #expect(replies.first?.errorCode == .notAuthenticated)
            #expect(f.server.closed[c] == .notAuthenticated)
        }
    }

    @Test func secondHelloIsAlreadyAuthenticated() {
        var f = SessionFixture()
        let (c, _, _) = f.connect()
        let replies = f.send(.hello(Wire.Hello(rid: 2, auth: Wire.Auth(scheme: "anonymous"))), on: c)
        // SESSION-9.
        #expect(replies.first?.errorCode == .alreadyAuthenticated)
        #expect(f.server.closed[c] == .alreadyAuthenticated)
    }

    @Test func handshakeDeadlineClosesSilentClients() {
        var f = SessionFixture()
        let c = f.server.open(now: f.now)
        f.advance(9_999)
        #expect(f.server.isOpen(c))
        f.advance(1)
        // SESSION-3.
        #expect(f.server.take(c).first?.errorCode == .handshakeTimeout)
        #expect(f.server.closed[c] == .handshakeTimeout)
    }

    @Test func badOrExpiredCredentialsFailAuthentication() throws {
        var f = SessionFixture()
        let c1 = f.server.open(now: f.now)
        let r1 = f.send(.hello(Wire.Hello(rid: 4, auth: Wire.Auth(scheme: "token", credential: "nope"))), on: c1)
        // SESSION-5: the error answers the hello (its rid) and closes.
        #expect(r1.first?.errorCode == .authFailed)
        #expect({ if case .error(let e) = r1.first { e.rid == 4 } else { false } }())
        #expect(f.server.closed[c1] == .authFailed)
        let token = try #require(SignedTokenAuthenticator(key: InMemoryServer.key)
            .mint(TokenClaims(user: "ana", role: .agent, expiresAt: f.now)))
        let c2 = f.server.open(now: f.now)
        let r2 = f.send(.hello(Wire.Hello(rid: 1, auth: Wire.Auth(scheme: "token", credential: token))), on: c2)
        #expect(r2.first?.errorCode == .tokenExpired)
        let c3 = f.server.open(now: f.now)
        #expect(f.send(.hello(Wire.Hello(rid: 1, auth: Wire.Auth(scheme: "basic"))), on: c3).first?.errorCode == .authFailed)
        #expect(f.server.registry.count == 0)
    }

    @Test func signedAgentTokenYieldsItsIdentity() throws {
        var f = SessionFixture()
        let token = try #require(SignedTokenAuthenticator(key: InMemoryServer.key)
            .mint(TokenClaims(user: "ana", role: .agent, teams: ["sales"], expiresAt: f.now.adding(milliseconds: 60_000))))
        let (_, welcome, _) = f.connect(auth: Wire.Auth(scheme: "token", credential: token))
        #expect(welcome?.identity == Wire.Identity(user: "ana", role: .agent, teams: ["sales"]))
        #expect(welcome?.sessionToken == nil)
    }
}
