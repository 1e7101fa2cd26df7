import ParleyCore
import ParleyServer
import ParleyTransport
import ParleyWire
import Synchronization
import Testing

/// The seams an application embedding Parley in its own HTTP server uses: the identity its
/// login established at the WebSocket upgrade (SESSION-38), credentials that expire or are
/// signed out (SESSION-39), facts the host vouches for (CONV-38), and the bridge to a web
/// framework's WebSocket messages.
@Suite struct EmbeddingSeamTests {
    static func driver() -> CoreDriver {
        CoreDriver(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"]))
    }

    static let customer = AuthenticatedIdentity(
        identity: Wire.Identity(user: "customer-17", role: .visitor, displayName: "Ada Lovelace"),
        vouched: [Wire.Property(key: "name", value: "Ada Lovelace"), Wire.Property(key: "orders", value: "3")])

    /// Sends a hello of scheme `transport` on `id`; the welcome, or the fatal error that refused it.
    static func helloTransport(_ d: inout CoreDriver, on id: ConnectionID) -> Message? {
        d.command({ .hello(Wire.Hello(rid: $0, versions: [1], auth: Wire.Auth(scheme: "transport"))) }, on: id)
    }

    @Test("SESSION-38: a hello of scheme transport gets the identity the transport established, with no authenticator asked")
    func transportIdentity() throws {
        var d = Self.driver()
        let id = d.open(identity: Self.customer)
        guard case .welcome(let welcome)? = Self.helloTransport(&d, on: id) else { Issue.record("no welcome"); return }
        #expect(welcome.identity == Self.customer.identity)
        #expect(d.closed[id] == nil)
    }

    @Test("SESSION-38: on a connection whose transport established no one, scheme transport is AUTH_FAILED; other schemes still work where one was established")
    func transportWithoutIdentity() throws {
        var d = Self.driver()
        let plain = d.open()
        guard case .error(let error)? = Self.helloTransport(&d, on: plain) else { Issue.record("no error"); return }
        #expect(error.code == UInt64(ErrorCode.authFailed.rawValue) && error.requirement == "SESSION-38")
        #expect(d.closed[plain] == .authFailed)
        let embedded = d.open(identity: Self.customer)
        guard case .welcome(let anonymous)? = d.command({ .hello(Wire.Hello(rid: $0, versions: [1], auth: Wire.Auth(scheme: "anonymous"))) }, on: embedded)
        else { Issue.record("no welcome"); return }
        #expect(anonymous.identity.user != Self.customer.identity.user, "an anonymous hello stays anonymous")
    }

    @Test("SESSION-39: when the credentials expire the connection gets CREDENTIALS_EXPIRED and closes; a fresh login resumes the session")
    func expiry() throws {
        var d = Self.driver()
        var agent = AuthenticatedIdentity(identity: Wire.Identity(user: "ana", role: .agent, teams: ["support"]))
        agent.expiresAt = d.now.adding(milliseconds: 60_000)
        let id = d.open(identity: agent)
        guard case .welcome(let welcome)? = Self.helloTransport(&d, on: id) else { Issue.record("no welcome"); return }
        d.answeringPings.insert(id)
        d.advance(by: 59_999)
        #expect(d.closed[id] == nil)
        d.advance(by: 1)
        guard case .error(let error)? = d.take(id).last else { Issue.record("no error"); return }
        #expect(error.code == UInt64(ErrorCode.credentialsExpired.rawValue) && error.requirement == "SESSION-39" && error.rid == nil)
        #expect(d.closed[id] == .credentialsExpired)
        d.drop(id)

        let expired = d.open(identity: agent)
        guard case .error(let refused)? = Self.helloTransport(&d, on: expired) else { Issue.record("expired credentials were accepted"); return }
        #expect(refused.code == UInt64(ErrorCode.tokenExpired.rawValue))

        agent.expiresAt = d.now.adding(milliseconds: 3_600_000)
        let again = d.open(identity: agent)
        let resume = Wire.ResumeRequest(token: welcome.resumeToken, lastSeq: 0)
        guard case .welcome(let resumed)? = d.command(
            { .hello(Wire.Hello(rid: $0, versions: [1], auth: Wire.Auth(scheme: "transport"), resume: resume)) }, on: again)
        else { Issue.record("no welcome"); return }
        #expect(resumed.session == welcome.session && resumed.resume?.status == .resumed)
    }

    @Test("SESSION-39: signing a user out closes each of their connections with CREDENTIALS_EXPIRED, and no one else's")
    func signOut() throws {
        var d = Self.driver()
        let tab1 = d.open(identity: Self.customer)
        let tab2 = d.open(identity: Self.customer)
        let other = d.open(identity: AuthenticatedIdentity(identity: Wire.Identity(user: "customer-18", role: .visitor)))
        for id in [tab1, tab2, other] { _ = Self.helloTransport(&d, on: id) }
        d.perform(d.core.signOut("customer-17", now: d.now))
        #expect(d.closed[tab1] == .credentialsExpired && d.closed[tab2] == .credentialsExpired)
        #expect(d.closed[other] == nil)
    }

    @Test("SESSION-39: signing out one login of the user closes only the connections of that login")
    func signOutOneLogin() throws {
        var d = Self.driver()
        var phone = Self.customer, laptop = Self.customer
        phone.login = "phone-session"
        laptop.login = "laptop-session"
        let onPhone = d.open(identity: phone)
        let onLaptop = d.open(identity: laptop)
        for id in [onPhone, onLaptop] { _ = Self.helloTransport(&d, on: id) }
        d.perform(d.core.signOut("customer-17", login: "phone-session", now: d.now))
        #expect(d.closed[onPhone] == .credentialsExpired)
        #expect(d.closed[onLaptop] == nil)
    }

    @Test("CONV-38: a vouched fact is set on every conversation the visitor starts, over the visitor's own value, and the visitor cannot change it")
    func vouchedProperties() throws {
        var d = Self.driver()
        let visitor = d.open(identity: Self.customer)
        _ = Self.helloTransport(&d, on: visitor)
        let given = [Wire.Property(key: "name", value: "Someone Else"), Wire.Property(key: "topic", value: "refund")]
        guard case .ok(let ok)? = d.command({ .create(Wire.Create(rid: $0, properties: given, text: "hello")) }, on: visitor),
              let conversation = ok.conversation
        else { Issue.record("no conversation"); return }
        guard case .historyPage(let page)? = d.command({ .history(.init(rid: $0, conversation: conversation)) }, on: visitor) else {
            Issue.record("no history"); return
        }
        let created = try #require(page.events.first { $0.kind == .created })
        #expect(created.properties == Self.customer.vouched + [Wire.Property(key: "topic", value: "refund")])

        let forge = d.command({ .setProperties(Wire.SetProperties(
            rid: $0, conversation: conversation, properties: [Wire.Property(key: "orders", value: "999")])) }, on: visitor)
        guard case .error(let error)? = forge else { Issue.record("a vouched key was changed"); return }
        #expect(error.code == UInt64(ErrorCode.forbidden.rawValue) && error.requirement == "CONV-38")
        guard case .ok? = d.command({ .setProperties(Wire.SetProperties(
            rid: $0, conversation: conversation, properties: [Wire.Property(key: "topic", value: "exchange")])) }, on: visitor)
        else { Issue.record("another key was refused"); return }
    }

    @Test("WebSocketBridge: a framework's whole messages reach the server, its answers come out as messages, and the close as a status")
    func bridge() async throws {
        let server = ParleyServer(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"]))
        let bridge = WebSocketBridge.open(
            to: server, binding: .webSocketJSON, limits: .init(maxMessage: 4_096), from: .loopback, identity: Self.customer)
        bridge.receive(Array(#"{"type":"hello","rid":1,"versions":[1],"auth":{"scheme":"transport"}}"#.utf8), kind: .text)
        var outgoing = bridge.outgoing.makeAsyncIterator()
        guard case .message(.text, let welcome)? = await outgoing.next() else { Issue.record("no welcome"); return }
        #expect(String(decoding: welcome, as: UTF8.self).contains(#""user":"customer-17""#))
        bridge.receive(Array(#"{"type":"hello","rid":2,"versions":[1],"auth":{"scheme":"transport"}}"#.utf8), kind: .text)
        guard case .message(.text, let error)? = await outgoing.next() else { Issue.record("no error"); return }
        #expect(String(decoding: error, as: UTF8.self).contains(#""code":2006"#), "ALREADY_AUTHENTICATED")
        #expect(await outgoing.next() == .close(code: 1008, reason: "ALREADY_AUTHENTICATED"))
        #expect(await outgoing.next() == nil)
        bridge.peerClosed()
        #expect(server.connectionCount == 0)
    }

    @Test("WebSocketBridge: a message over the limit is MESSAGE_TOO_LARGE, and the wrong kind for the subprotocol ENCODING_NOT_NEGOTIATED")
    func bridgeRefusals() async throws {
        let server = ParleyServer(configuration: ServerConfiguration(key: CoreDriver.key, teams: ["support"]))
        for (bytes, kind, code) in [([UInt8](repeating: 32, count: 5_000), WebSocketMessageKind.text, 1013), ([1, 2, 3], .binary, 1019)] {
            let bridge = WebSocketBridge.open(to: server, binding: .webSocketJSON, limits: .init(maxMessage: 4_096), from: .loopback, identity: nil)
            bridge.receive(bytes, kind: kind)
            var outgoing = bridge.outgoing.makeAsyncIterator()
            guard case .message(.text, let error)? = await outgoing.next() else { Issue.record("no error for \(code)"); continue }
            #expect(String(decoding: error, as: UTF8.self).contains(#""code":\#(code)"#))
            guard case .close(1008, _)? = await outgoing.next() else { Issue.record("no close for \(code)"); continue }
            bridge.peerClosed()
        }
    }
}
