import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOWebSocket
import ParleyCore
import ParleyServer
import ParleyVapor
import ParleyWire
import Testing
import Vapor

/// A logged-in user of the test app: its login is a bearer token, checked by the app's own
/// authenticator middleware.
struct Customer: Authenticatable {
    var identity: AuthenticatedIdentity
}

/// The app's own login: a bearer token from its table logs the request's user in.
struct TokenLogin: AsyncBearerAuthenticator {
    let users: @Sendable (String) -> Customer?

    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        if let customer = users(bearer.token) { request.auth.login(customer) }
    }
}

/// A real Vapor app on a free loopback port, with Parley on `/chat` (login required: the
/// `identify` closure throws 401), on `/staff` (behind the app's guard middleware) and an
/// ordinary route `GET /hello`.
struct ChatApp {
    let app: Application
    let http: HTTPServer
    let server: ParleyServer
    let port: Int

    static let key = Array("vapor integration test key, 32 bytes".utf8)

    /// The customer every test knows: the shop vouches for their name and order count.
    static let ada = AuthenticatedIdentity(
        identity: Wire.Identity(user: "c-17", role: .visitor, displayName: "Ada"),
        vouched: [Wire.Property(key: "name", value: "Ada Lovelace"), Wire.Property(key: "orders", value: "3")])

    /// Starts the app; `users` maps bearer tokens to logged-in users (by default `tok-c17` → Ada).
    static func start(users: @escaping @Sendable (String) -> Customer? = { $0 == "tok-c17" ? Customer(identity: ada) : nil })
        async throws -> ChatApp
    {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        // A test that failed may leave sockets open: the HTTP server does not wait long for them.
        app.http.server.configuration.shutdownTimeout = .seconds(2)
        var configuration = ServerConfiguration(key: key, teams: ["support"])
        configuration.session.address = .unlimited
        let server = ParleyServer(configuration: configuration)
        app.lifecycle.use(ParleyLifecycle(server: server))

        let login = app.grouped(TokenLogin(users: users))
        login.parley("chat", server: server) { req in
            guard let customer = req.auth.get(Customer.self) else { throw Abort(.unauthorized) }
            return customer.identity
        }
        login.grouped(Customer.guardMiddleware()).parley("staff", server: server) { req in req.auth.get(Customer.self)?.identity }
        login.parley("open", server: server) { req in req.auth.get(Customer.self)?.identity }
        app.get("hello") { _ in "hello" }

        try await app.asyncBoot()
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let http = app.http.server.shared
        let port = try #require(http.localAddress?.port)
        return ChatApp(app: app, http: http, server: server, port: port)
    }

    /// Runs `body` on a started app (``start(users:)``), and stops the app afterwards, also
    /// when `body` throws.
    static func with(
        users: @escaping @Sendable (String) -> Customer? = { $0 == "tok-c17" ? Customer(identity: ada) : nil },
        _ body: (ChatApp) async throws -> Void
    ) async throws {
        let chat = try await start(users: users)
        do {
            try await body(chat)
        } catch {
            try? await chat.stop()
            throw error
        }
        try await chat.stop()
    }

    /// Shuts down as `Application.execute()` does on SIGTERM: the lifecycle first (Parley says
    /// goodbye while the connections are open), then the HTTP server.
    func stop() async throws {
        try await app.asyncShutdown()
        await http.shutdown()
    }
}

/// One reply from the server, the fields the tests look at.
struct Reply: Decodable, Sendable {
    struct Identity: Decodable, Sendable { var user: String }
    struct Event: Decodable, Sendable {
        var kind: String
        var properties: [Wire.Property]?
    }

    /// The `type` of a binary message (under `parley.v1.binary`).
    static let binary = " binary"

    var type: String
    var rid: Int?
    var code: Int?
    var nonce: Int?
    var identity: Identity?
    var event: Event?
    var reason: String?
}

/// A WebSocket client (websocket-kit) on loopback: what it receives, and the status of the
/// server's close.
struct ChatClient {
    let socket: WebSocket
    private var replies: AsyncStream<Reply>.Iterator
    private let continuation: AsyncStream<Reply>.Continuation

    /// Opens `ws://127.0.0.1:port/path` offering `subprotocol`, with the app's login in `headers`.
    static func connect(port: Int, path: String, subprotocol: String = "parley.v1.json", headers: HTTPHeaders = [:]) async throws -> ChatClient {
        var headers = headers
        headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol)
        let (stream, continuation) = AsyncStream.makeStream(of: Reply.self)
        // websocket-kit may complete `connect` before it has called `onUpgrade`: wait for both.
        let upgraded = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: WebSocket.self)
        let connecting = WebSocketClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton)).connect(
            scheme: "ws", host: "127.0.0.1", port: port, path: "/" + path, headers: headers
        ) { ws in
            // On the event loop, before any message is read.
            ws.onText { _, text in
                if let reply = try? JSONDecoder().decode(Reply.self, from: Data(text.utf8)) { continuation.yield(reply) }
            }
            // A binary message is not decoded: the tests only see that one came.
            ws.onBinary { _, _ in continuation.yield(Reply(type: Reply.binary)) }
            ws.onClose.whenComplete { _ in continuation.finish() }
            upgraded.succeed(ws)
        }
        connecting.cascadeFailure(to: upgraded)
        let socket = try await withDeadline(5) { try await connecting.get(); return try await upgraded.futureResult.get() }
        return ChatClient(socket: socket, replies: stream.makeAsyncIterator(), continuation: continuation)
    }

    /// Sends one JSON message.
    func send(_ json: String) { socket.send(json, promise: nil) }

    /// The next reply that `matches`, skipping others; `nil` once the server closed. Fails the
    /// test when none comes within `seconds`.
    mutating func next(within seconds: Double = 5, where matches: (Reply) -> Bool = { _ in true }) async throws -> Reply? {
        // The watchdog wakes the wait with a marker no server sends (one of an earlier wait that
        // raced with its reply is skipped).
        let mark = Int.random(in: 1...Int.max)
        let watchdog = Task { [continuation] in
            try await Task.sleep(for: .seconds(seconds))
            continuation.yield(Reply(type: Self.timeout, rid: mark))
        }
        defer { watchdog.cancel() }
        while let reply = await replies.next() {
            if reply.type == Self.timeout {
                if reply.rid == mark { throw TimedOut() } else { continue }
            }
            if matches(reply) { return reply }
        }
        return nil
    }

    private static let timeout = " timeout"

    /// Waits (bounded) until the server's close has arrived, then gives its status.
    func closeStatus(within seconds: Double = 5) async throws -> Int? {
        let socket = socket
        try await withDeadline(seconds) { try await socket.onClose.get() }
        return socket.closeCode.map { Int(UInt16(webSocketErrorCode: $0)) }
    }

    /// Closes from the client's side (normal closure) and waits, bounded, for the socket to close.
    func close() async throws {
        let socket = socket
        try await withDeadline(5) { try await socket.close(code: .normalClosure) }
    }
}

/// Sends `request` as raw bytes over a new loopback TCP connection and returns what the server
/// answers: the status line, the head and the body (as long as its `Content-Length` says).
func rawHTTP(port: Int, _ request: String) async throws -> String {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
    return try await withDeadline(5) {
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var answer = ""
            for try await chunk in inbound {
                answer += String(buffer: chunk)
                if let end = answer.range(of: "\r\n\r\n") {
                    // The head, and the body when its length is given.
                    let length = answer[..<end.lowerBound].split(separator: "\r\n")
                        .first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if answer.utf8.count - answer[..<end.upperBound].utf8.count >= length { break }
                }
            }
            return answer
        }
    }
}

/// An upgrade request for `path` with `headers` (each `Name: value`), as a browser sends it.
func upgradeRequest(_ path: String, port: Int, _ headers: [String]) -> String {
    (["GET /\(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: Upgrade", "Upgrade: websocket",
      "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="] + headers).joined(separator: "\r\n") + "\r\n\r\n"
}

struct TimedOut: Error {}

/// Runs `body`, failing with ``TimedOut`` after `seconds`: every wait in these tests is bounded,
/// also one on a future that ignores cancellation (the body is then left to finish on its own).
func withDeadline<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let waiter = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
    let finish = { @Sendable (result: Result<T, any Error>) in
        waiter.withLockedValue { waiter in
            waiter?.resume(with: result)
            waiter = nil
        }
    }
    return try await withCheckedThrowingContinuation { continuation in
        waiter.withLockedValue { $0 = continuation }
        let work = Task {
            do { finish(.success(try await body())) } catch { finish(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            finish(.failure(TimedOut()))
            work.cancel()
        }
    }
}
