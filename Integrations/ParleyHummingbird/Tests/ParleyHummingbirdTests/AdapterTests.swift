import Foundation
import Glibc
import ParleyClient
import ParleyCore
import ParleyHummingbird
import ParleyWire
import Testing

/// The Hummingbird adapter in a real app on loopback, with real WebSocket clients: the app's
/// login decides who chats (SESSION-38), its refusals are HTTP before the upgrade, its session's
/// end closes the chat (SESSION-39), its facts reach agents (CONV-38), its shutdown says goodbye
/// (SESSION-35), and its own routes keep answering.
@Suite(.serialized) struct AdapterTests {
    static let hour: UInt64 = 3_600_000

    /// The wall clock, as the app tells Parley when its sessions end.
    static func now() -> Instant { Instant(milliseconds: UInt64(Date().timeIntervalSince1970 * 1_000)) }

    static func customer(_ id: String = "c-17", endsIn ms: UInt64 = hour) -> TestShop.User {
        TestShop.User(id: id, name: "Ada Lovelace", staff: false, sessionEnds: Self.now().adding(milliseconds: ms))
    }

    /// A client of the shop's chat whose upgrade request carries the session `cookie`.
    static func client(_ shop: TestShop, cookie: String?, auth: Wire.Auth = Wire.Auth(scheme: "transport")) -> ParleyClient {
        var endpoint = Endpoint(binding: .webSocketJSON, host: "127.0.0.1", port: shop.port, path: "/chat")
        if let cookie { endpoint.upgradeHeaders["Cookie"] = "shop_session=\(cookie)" }
        endpoint.offersPerMessageDeflate = true
        return ParleyClient(endpoint: endpoint, auth: auth)
    }

    /// The first disconnect `client` reports, within `seconds`.
    static func disconnect(of client: ParleyClient, within seconds: Int = 10) async -> ClientSession.DisconnectReason? {
        await withTaskGroup(of: ClientSession.DisconnectReason?.self) { group in
            group.addTask {
                for await note in client.notifications { if case .disconnected(let reason) = note { return reason } }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test("a logged-in customer chats under their account id, and agents see the app's facts about them")
    func customerBecomesVisitor() async throws {
        let shop = try await TestShop.start()
        defer { Task { await shop.stop() } }
        let visitor = Self.client(shop, cookie: shop.logIn(Self.customer()))
        try await visitor.connect()
        #expect(visitor.userID == "c-17")
        let given = [Wire.Property(key: "orders", value: "999"), Wire.Property(key: "topic", value: "refund")]
        guard case .ok(let ok) = try await visitor.request(.create(Wire.Create(rid: 0, properties: given, text: "Where is my parcel?"))),
              let conversation = ok.conversation
        else { Issue.record("no conversation"); return }

        let agent = Self.client(shop, cookie: shop.logIn(TestShop.User(
            id: "ana", name: "Ana", staff: true, sessionEnds: Self.now().adding(milliseconds: Self.hour))))
        try await agent.connect()
        guard case .transcriptResult(let transcript) = try await agent.request(.transcript(Wire.Transcript(rid: 0, conversation: conversation)))
        else { Issue.record("no transcript"); return }
        let created = try #require(transcript.events.first { $0.kind == .created })
        #expect(created.properties == [
            Wire.Property(key: "name", value: "Ada Lovelace"), Wire.Property(key: "orders", value: "3"), Wire.Property(key: "topic", value: "refund"),
        ])
    }

    @Test("an upgrade without the app's login is refused with the app's 401 before any upgrade; a plain GET is 400; another site's page 403")
    func refusalsAreHTTP() async throws {
        let shop = try await TestShop.start()
        defer { Task { await shop.stop() } }
        let upgrade = "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:\(shop.port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: parley.v1.json\r\n"
        let anonymous = try HTTPExchange.send(upgrade + "\r\n", port: shop.port)
        #expect(anonymous.hasPrefix("HTTP/1.1 401"), "\(anonymous)")
        #expect(anonymous.contains("log in to chat"))
        #expect(!anonymous.contains("101"))
        let cookie = shop.logIn(Self.customer())
        let loggedIn = try HTTPExchange.send(upgrade + "Cookie: shop_session=\(cookie)\r\n\r\n", port: shop.port)
        #expect(loggedIn.hasPrefix("HTTP/1.1 101"), "\(loggedIn)")
        let foreign = try HTTPExchange.send(upgrade + "Cookie: shop_session=\(cookie)\r\nOrigin: https://evil.example\r\n\r\n", port: shop.port)
        #expect(foreign.hasPrefix("HTTP/1.1 403"), "\(foreign)")
        let plain = try HTTPExchange.send("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: shop_session=\(cookie)\r\n\r\n", port: shop.port)
        #expect(plain.hasPrefix("HTTP/1.1 400") && plain.contains("WS-1"), "\(plain)")
    }

    @Test("until the server is recovered from its store, an upgrade is answered 503 with Retry-After; then it goes through")
    func notBeforeRecovery() async throws {
        let store = GatedStore()
        let shop = try await TestShop.start(store: store)
        defer { Task { await shop.stop() } }
        let cookie = shop.logIn(Self.customer())
        let upgrade = "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:\(shop.port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: parley.v1.json\r\n"
            + "Cookie: shop_session=\(cookie)\r\n\r\n"
        let early = try HTTPExchange.send(upgrade, port: shop.port)
        #expect(early.hasPrefix("HTTP/1.1 503") && early.lowercased().contains("retry-after: 1"), "\(early)")
        store.open()
        for _ in 0..<200 where !shop.chat.isReady { try await Task.sleep(for: .milliseconds(10)) }
        let later = try HTTPExchange.send(upgrade, port: shop.port)
        #expect(later.hasPrefix("HTTP/1.1 101"), "\(later)")
    }

    @Test("anonymous visitors where the app allows them: the route lets the upgrade through and the hello is anonymous")
    func anonymousAllowed() async throws {
        let shop = try await TestShop.start(anonymous: true)
        defer { Task { await shop.stop() } }
        let visitor = Self.client(shop, cookie: nil, auth: Wire.Auth(scheme: "anonymous"))
        try await visitor.connect()
        #expect(visitor.userID?.isEmpty == false)
        let impostor = Self.client(shop, cookie: nil)
        await #expect(throws: (any Error).self) { try await impostor.connect() }
    }

    @Test("when the app's login session ends the chat closes with CREDENTIALS_EXPIRED; signing out does the same")
    func sessionEnds() async throws {
        let shop = try await TestShop.start()
        defer { Task { await shop.stop() } }
        let agent = Self.client(shop, cookie: shop.logIn(TestShop.User(
            id: "ana", name: "Ana", staff: true, sessionEnds: Self.now().adding(milliseconds: 1_500))))
        try await agent.connect()
        #expect(await Self.disconnect(of: agent) == .error(.credentialsExpired))

        let visitor = Self.client(shop, cookie: shop.logIn(Self.customer("c-18")))
        try await visitor.connect()
        shop.chat.server.signOut("c-18")
        #expect(await Self.disconnect(of: visitor) == .error(.credentialsExpired))
    }

    @Test("the app's shutdown says goodbye to every chat client with SERVER_SHUTDOWN")
    func shutdownGoodbye() async throws {
        let shop = try await TestShop.start()
        let visitor = Self.client(shop, cookie: shop.logIn(Self.customer()))
        try await visitor.connect()
        async let reason = Self.disconnect(of: visitor)
        await shop.stop()
        guard case .goodbye(.serverShutdown, _)? = await reason else { Issue.record("no SERVER_SHUTDOWN goodbye"); return }
    }

    @Test("the app's own routes keep answering while 50 customers chat")
    func routesUnderChatLoad() async throws {
        let shop = try await TestShop.start()
        defer { Task { await shop.stop() } }
        var visitors: [(ParleyClient, String)] = []
        for n in 0..<50 {
            let visitor = Self.client(shop, cookie: shop.logIn(Self.customer("c-\(n)")))
            try await visitor.connect()
            guard case .ok(let ok) = try await visitor.request(.create(Wire.Create(rid: 0, text: "hello"))), let id = ok.conversation else {
                Issue.record("no conversation for c-\(n)"); return
            }
            visitors.append((visitor, id))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (visitor, conversation) in visitors {
                group.addTask {
                    for n in 0..<20 { _ = try await visitor.request(.send(Wire.Send(rid: 0, conversation: conversation, clientMessageId: "m\(n)", text: "message \(n)"))) }
                }
            }
            for _ in 0..<20 {
                let answer = try await HTTPExchange.sendOffPool("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", port: shop.port)
                #expect(answer.hasPrefix("HTTP/1.1 200") && answer.hasSuffix("hello guest"), "\(answer)")
            }
            try await group.waitForAll()
        }
    }
}

/// One HTTP exchange over a blocking loopback socket: sends `request`, reads until the server
/// closes or 2 s pass.
enum HTTPExchange {
    static func send(_ request: String, port: Int) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(errno) }
        let bytes = Array(request.utf8)
        guard Glibc.send(fd, bytes, bytes.count, 0) == bytes.count else { throw POSIXError(errno) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            answer += buffer[0..<n]
            if complete(String(decoding: answer, as: UTF8.self)) { break }
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// Whether `answer` holds a whole response: a 101's head (the connection stays open), or a
    /// head and as much body as its `Content-Length` says.
    static func complete(_ answer: String) -> Bool {
        guard let end = answer.range(of: "\r\n\r\n") else { return false }
        if answer.hasPrefix("HTTP/1.1 101") { return true }
        let head = answer[..<end.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return false }
        return answer.utf8.count - answer[..<end.upperBound].utf8.count >= length
    }

    /// ``send(_:port:)`` on a thread of its own, so the cooperative pool keeps running the app.
    static func sendOffPool(_ request: String, port: Int) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try send(request, port: port) }) }
        }
    }
}

struct POSIXError: Error {
    let code: Int32
    init(_ code: Int32) { self.code = code }
}
