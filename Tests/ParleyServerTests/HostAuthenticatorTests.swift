import ParleyClient
import ParleyCore
import ParleyServer
import ParleyWire
import Synchronization
import Testing

/// An embedding application's own, asynchronous login plugged into ``ParleyServer``
/// (SESSION-4): its customers become visitors under their account ids, the reference schemes
/// keep working beside it, and a slow answer holds up no other connection.
@Suite struct HostAuthenticatorTests {
    /// A shop's session directory: a cookie names a customer; its answers wait until the test
    /// opens the gate, as a slow database would.
    final class ShopLogin: HostAuthenticator {
        private let gate = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))
        let asked = Mutex(0)

        func supports(scheme: String) -> Bool { scheme == "shop" }

        func authenticate(_ request: AuthenticationRequest) async -> Result<AuthenticatedIdentity, AuthFailure> {
            asked.withLock { $0 += 1 }
            await withCheckedContinuation { continuation in
                let open = gate.withLock { gate in
                    if !gate.open { gate.waiting.append(continuation) }
                    return gate.open
                }
                if open { continuation.resume() }
            }
            guard request.auth.credential == "cookie-42" else { return .failure(AuthFailure(.authFailed, "not logged in")) }
            return .success(AuthenticatedIdentity(identity: Wire.Identity(user: "customer-42", role: .visitor)))
        }

        func open() {
            let waiting = gate.withLock { gate in
                gate.open = true
                defer { gate.waiting = [] }
                return gate.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    /// A server with the shop's login. Its handshake deadline is long: the authenticator runs
    /// on the cooperative pool, which CPU-bound tests of a full `swift test` can keep busy for
    /// seconds.
    static func server(_ login: ShopLogin) -> ParleyServer {
        var session = SessionConfiguration()
        session.handshakeTimeoutMs = 120_000
        return ParleyServer(
            configuration: ServerConfiguration(key: Array("host authenticator test key 32 b".utf8), teams: ["support"], session: session),
            authenticator: login)
    }

    @Test("a customer logs in through the host's authenticator while an anonymous visitor chats meanwhile")
    func hostLogin() async throws {
        let login = ShopLogin()
        let server = Self.server(login)
        let customer = ParleyClient(server: server, auth: Wire.Auth(scheme: "shop", credential: "cookie-42"))
        let waiting = Task { try await customer.connect() }
        while login.asked.withLock({ $0 }) == 0 { await Task.yield() }

        let visitor = ParleyClient(server: server, auth: Wire.Auth(scheme: "anonymous"))
        try await visitor.connect()
        let created = try await visitor.request(.create(Wire.Create(rid: 0, text: "Is anyone there?", clientMessageId: "v1")))
        #expect(created.name == "ok", "the reference scheme is answered while the host's check is pending")
        #expect(customer.userID == nil)

        login.open()
        try await waiting.value
        #expect(customer.userID == "customer-42")
        let own = try await customer.request(.create(Wire.Create(rid: 0, text: "Where is order 7?", clientMessageId: "c1")))
        #expect(own.name == "ok")
        customer.close()
        visitor.close()
    }

    @Test("the host's refusal reaches the client as the fatal error it names (SESSION-5)")
    func hostRefusal() async throws {
        let login = ShopLogin()
        login.open()
        let server = Self.server(login)
        let stranger = ParleyClient(server: server, auth: Wire.Auth(scheme: "shop", credential: "stolen"))
        await #expect {
            try await stranger.connect()
        } throws: { error in
            guard case ParleyClient.Failure.handshakeFailed(.error(let code)?) = error else { return false }
            return code == .authFailed
        }
    }
}
