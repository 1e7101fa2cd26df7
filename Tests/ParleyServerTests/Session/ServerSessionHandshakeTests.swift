import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The handshake (SESSION-1…9) on ``ServerCore``, with the reference server's authenticator.
@Suite struct ServerSessionHandshakeTests {
    @Test func anonymousHelloIsWelcomedWithLimitsIdentityAndSessionToken() throws {
        var d = CoreDriver()
        let connection = d.open()
        let replies = d.exchange(.hello(Wire.Hello(rid: 1, versions: [1], auth: CoreDriver.anonymous)), on: connection)
        guard case .welcome(let w)? = replies.first else { Issue.record("no welcome: \(replies)"); return }
        // SESSION-4, SESSION-7, SESSION-8.
        #expect(w.rid == 1 && w.version == 1)
        #expect(w.identity.role == .visitor)
        #expect(w.limits == d.core.configuration.announcedSession.limits)
        #expect(w.limits.resumeWindowMs == SessionConfiguration().resumeWindowMs)
        #expect(w.sessionToken != nil && !w.resumeToken.isEmpty && w.resume == nil)
        #expect(w.serverTime == d.now.rawValue)
        #expect(d.closed[connection] == nil)
        // SESSION-7: the session token makes the same visitor again.
        let (_, again) = d.connect(CoreDriver.sessionAuth(w))
        #expect(again?.identity.user == w.identity.user)
        #expect(again?.session != w.session)
    }

    @Test func versionNegotiationPicksTheFirstSupportedOrFails() {
        var d = CoreDriver()
        let c1 = d.open()
        let r1 = d.exchange(.hello(Wire.Hello(rid: 7, versions: [3, 1], auth: CoreDriver.anonymous)), on: c1)
        #expect({ if case .welcome(let w) = r1.first { w.version == 1 } else { false } }())
        let c2 = d.open()
        let r2 = d.exchange(.hello(Wire.Hello(rid: 7, versions: [2, 3], auth: CoreDriver.anonymous)), on: c2)
        // SESSION-2 / VER-1.
        #expect(r2.first?.errorCode == .unsupportedVersion)
        #expect(d.closed[c2] == .unsupportedVersion)
    }

    @Test func anythingBeforeHelloIsNotAuthenticated() {
        var d = CoreDriver()
        for early in [CoreDriver.message(rid: 2, id: "m", in: "c1"), .ping(Wire.Ping(nonce: 1)), .ack(Wire.Ack(seq: 0))] {
            let c = d.open()
            let replies = d.exchange(early, on: c)
            // SESSION-1.
            #expect(replies.first?.errorCode == .notAuthenticated)
            #expect(d.closed[c] == .notAuthenticated)
        }
    }

    @Test func secondHelloIsAlreadyAuthenticated() throws {
        var d = CoreDriver()
        let (c, _) = try d.connectVisitor()
        let replies = d.exchange(.hello(Wire.Hello(rid: 2, auth: CoreDriver.anonymous)), on: c)
        // SESSION-9.
        #expect(replies.first?.errorCode == .alreadyAuthenticated)
        #expect(d.closed[c] == .alreadyAuthenticated)
    }

    @Test func handshakeDeadlineClosesSilentClients() {
        var d = CoreDriver()
        let c = d.open()
        d.advance(by: 9_999)
        #expect(d.closed[c] == nil)
        d.advance(by: 1)
        // SESSION-3.
        #expect(d.take(c).first?.errorCode == .handshakeTimeout)
        #expect(d.closed[c] == .handshakeTimeout)
    }

    @Test func badOrExpiredCredentialsFailAuthentication() throws {
        var d = CoreDriver()
        let c1 = d.open()
        let r1 = d.exchange(.hello(Wire.Hello(rid: 4, auth: Wire.Auth(scheme: "token", credential: "nope"))), on: c1)
        // SESSION-5: the error answers the hello (its rid) and closes.
        #expect(r1.first?.errorCode == .authFailed)
        #expect({ if case .error(let e) = r1.first { e.rid == 4 } else { false } }())
        #expect(d.closed[c1] == .authFailed)
        let token = try #require(d.core.mintToken(TokenClaims(user: "ana", role: .agent, expiresAt: d.now)))
        let c2 = d.open()
        let r2 = d.exchange(.hello(Wire.Hello(rid: 1, auth: Wire.Auth(scheme: "token", credential: token))), on: c2)
        #expect(r2.first?.errorCode == .tokenExpired)
        let c3 = d.open()
        #expect(d.exchange(.hello(Wire.Hello(rid: 1, auth: Wire.Auth(scheme: "basic"))), on: c3).first?.errorCode == .authFailed)
        // No session was opened.
        #expect([c1, c2, c3].allSatisfy { d.core.establishedSession(on: $0) == nil })
    }

    @Test func signedAgentTokenYieldsItsIdentity() throws {
        var d = CoreDriver()
        let token = try #require(d.core.mintToken(
            TokenClaims(user: "ana", role: .agent, teams: ["billing"], expiresAt: d.now.adding(milliseconds: 60_000))))
        let (_, welcome) = d.connect(Wire.Auth(scheme: "token", credential: token))
        #expect(welcome?.identity == Wire.Identity(user: "ana", role: .agent, teams: ["billing"]))
        #expect(welcome?.sessionToken == nil)
    }
}
