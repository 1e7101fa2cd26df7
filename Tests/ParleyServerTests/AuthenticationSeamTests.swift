import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The authentication seam of ``ServerCore`` (SESSION-3, SESSION-4): a hello's credentials
/// leave as an output, the connection waits for the host's answer, and nothing else does.
@Suite struct AuthenticationSeamTests {
    static let configuration = ServerConfiguration(key: CoreDriver.key, teams: ["support"])

    /// A core whose hellos nobody answers until the test does.
    struct Host {
        var core = ServerCore(configuration: AuthenticationSeamTests.configuration, now: Instant(milliseconds: 1_800_000_000_000))
        var reference = ReferenceAuthenticator(configuration: AuthenticationSeamTests.configuration)
        var now = Instant(milliseconds: 1_800_000_000_000)

        mutating func open() -> ConnectionID { core.open(now: now, from: .loopback).0 }

        mutating func hello(_ auth: Wire.Auth, on id: ConnectionID) -> [ServerOutput] {
            core.receive(.hello(Wire.Hello(rid: 1, versions: [1], auth: auth)), on: id, now: now)
        }

        mutating func answer(_ auth: Wire.Auth, on id: ConnectionID) -> [ServerOutput] {
            core.authenticated(reference.authenticate(auth, now: now), on: id, now: now)
        }
    }

    static func messages(_ outputs: [ServerOutput], to id: ConnectionID) -> [Message] {
        outputs.flatMap { output -> [Message] in
            guard case .send(id, let items) = output else { return [] }
            return items.map(\.message)
        }
    }

    @Test("a hello's credentials leave as .authenticate; the welcome waits for the answer (SESSION-4)")
    func welcomeWaitsForTheAnswer() throws {
        var host = Host()
        let id = host.open()
        let auth = Wire.Auth(scheme: "anonymous")
        let outputs = host.hello(auth, on: id)
        #expect(outputs == [.authenticate(id, auth)])
        let answered = host.answer(auth, on: id)
        guard case .welcome(let welcome)? = Self.messages(answered, to: id).first else {
            Issue.record("no welcome after the answer: \(answered)")
            return
        }
        #expect(welcome.identity.role == .visitor)
        #expect(host.answer(auth, on: id).isEmpty, "a second answer is ignored")
    }

    @Test("other connections go on while one waits for its authenticator")
    func othersGoOn() throws {
        var host = Host()
        let slow = host.open()
        let slowAuth = Wire.Auth(scheme: "anonymous")
        _ = host.hello(slowAuth, on: slow)
        let fast = host.open()
        let fastAuth = Wire.Auth(scheme: "anonymous")
        _ = host.hello(fastAuth, on: fast)
        #expect(Self.messages(host.answer(fastAuth, on: fast), to: fast).first?.name == "welcome")
        let created = host.core.confirmingWrites(host.core.receive(.create(Wire.Create(rid: 2, text: "hello?", clientMessageId: "c1")), on: fast, now: host.now), now: host.now)
        #expect(Self.messages(created, to: fast).contains { $0.resultRID == 2 && $0.name == "ok" })
        #expect(Self.messages(host.answer(slowAuth, on: slow), to: slow).first?.name == "welcome")
    }

    @Test("an answer after the handshake deadline is ignored: the connection was closed (SESSION-3)")
    func lateAnswerIgnored() throws {
        var host = Host()
        let id = host.open()
        let auth = Wire.Auth(scheme: "anonymous")
        _ = host.hello(auth, on: id)
        let deadline = try #require(host.core.nextDeadline)
        host.now = deadline
        let timedOut = host.core.tick(now: host.now)
        #expect(timedOut.contains(.close(id, .handshakeTimeout)))
        #expect(host.answer(auth, on: id).isEmpty)
    }

    @Test("an answer for a connection that closed meanwhile is ignored")
    func answerAfterCloseIgnored() throws {
        var host = Host()
        let id = host.open()
        let auth = Wire.Auth(scheme: "anonymous")
        _ = host.hello(auth, on: id)
        _ = host.core.connectionClosed(id, now: host.now)
        #expect(host.answer(auth, on: id).isEmpty)
        #expect(host.core.connectionCount == 0)
    }

    @Test("a refusal from the host's authenticator is the fatal error it names (SESSION-5)")
    func refusal() throws {
        var host = Host()
        let id = host.open()
        _ = host.hello(Wire.Auth(scheme: "shop", credential: "expired"), on: id)
        let outputs = host.core.authenticated(.failure(AuthFailure(.tokenExpired, "log in again")), on: id, now: host.now)
        guard case .error(let error)? = Self.messages(outputs, to: id).first else {
            Issue.record("no error: \(outputs)")
            return
        }
        #expect(error.code == UInt64(ErrorCode.tokenExpired.rawValue))
        #expect(outputs.contains(.close(id, .tokenExpired)))
    }

    @Test("over the address's hello rate the hello is refused before any authenticator runs (ABUSE-3)")
    func admissionBeforeAuthentication() throws {
        var configuration = Self.configuration
        configuration.session.address.handshakesPerMinute = 1
        var core = ServerCore(configuration: configuration, now: Instant(milliseconds: 1_800_000_000_000))
        let now = Instant(milliseconds: 1_800_000_000_000)
        let auth = Wire.Auth(scheme: "anonymous")
        let first = core.open(now: now, from: .loopback).0
        #expect(core.receive(.hello(Wire.Hello(rid: 1, versions: [1], auth: auth)), on: first, now: now) == [.authenticate(first, auth)])
        let second = core.open(now: now, from: .loopback).0
        let refused = core.receive(.hello(Wire.Hello(rid: 1, versions: [1], auth: auth)), on: second, now: now)
        #expect(!refused.contains { if case .authenticate = $0 { true } else { false } })
        #expect(refused.contains(.close(second, .addressHandshakeRate)))
    }
}
