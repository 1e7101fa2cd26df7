import Hummingbird
import Logging
import ParleyCore
import ParleyHummingbird
import ParleyServer
import ParleyWire
import ServiceLifecycle
import Synchronization

/// A real Hummingbird app on loopback with its own login (a session cookie its middleware
/// checks) and the chat mounted on `/chat`, for the adapter's tests.
struct TestShop {
    /// A logged-in user of the app.
    struct User: Sendable {
        var id: String
        var name: String
        var staff: Bool
        /// When the app's login session ends.
        var sessionEnds: Instant
    }

    /// The app's request context: who its login middleware found.
    struct Context: RequestContext {
        var coreContext: CoreRequestContextStorage
        var user: User?
        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
        }
    }

    /// The app's login: the `shop_session` cookie names a session of `sessions`.
    struct Login: RouterMiddleware {
        let sessions: Sessions
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            var context = context
            if let cookie = request.cookies["shop_session"]?.value { context.user = sessions.users.withLock { $0[cookie] } }
            return try await next(request, context)
        }
    }

    /// The app's login sessions, by cookie value.
    final class Sessions: Sendable {
        let users = Mutex<[String: User]>([:])
    }

    let sessions: Sessions
    let chat: ParleyChat
    let port: Int
    let group: ServiceGroup
    let running: Task<Void, any Error>

    /// Starts the app: anonymous visitors allowed when `anonymous`, else the chat needs a login;
    /// the chat keeps its data in `store`, if any.
    static func start(anonymous: Bool = false, store: (any DurableStore)? = nil) async throws -> TestShop {
        let server = ParleyServer(
            configuration: ServerConfiguration(key: Array("hummingbird adapter test key 32B".utf8), teams: ["support"]), store: store)
        let chat = ParleyChat(server: server)
        let sessions = Sessions()
        let router = Router(context: Context.self)
        router.add(middleware: Login(sessions: sessions))
        router.get("hello") { _, context in "hello \(context.user?.name ?? "guest")" }
        router.parley("chat", chat) { _, context in
            guard let user = context.user else {
                if anonymous { return nil }
                throw HTTPError(.unauthorized, message: "log in to chat")
            }
            let identity = user.staff
                ? Wire.Identity(user: user.id, role: .agent, displayName: user.name, teams: ["support"])
                : Wire.Identity(user: user.id, role: .visitor, displayName: user.name)
            return AuthenticatedIdentity(
                identity: identity, expiresAt: user.sessionEnds,
                vouched: user.staff ? [] : [Wire.Property(key: "name", value: user.name), Wire.Property(key: "orders", value: "3")])
        }
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router, server: .parley(chat, router: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } },
            logger: Logger(label: "test-shop"))
        let group = ServiceGroup(configuration: .init(services: [chat, app], logger: Logger(label: "test-shop")))
        let running = Task { try await group.run() }
        for _ in 0..<500 where port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        guard let bound = port.withLock({ $0 }) else { throw HTTPError(.internalServerError, message: "the test app did not start") }
        return TestShop(sessions: sessions, chat: chat, port: bound, group: group, running: running)
    }

    private init(sessions: Sessions, chat: ParleyChat, port: Int, group: ServiceGroup, running: Task<Void, any Error>) {
        self.sessions = sessions
        self.chat = chat
        self.port = port
        self.group = group
        self.running = running
    }

    /// Logs `user` in and returns their session cookie's value.
    func logIn(_ user: User) -> String {
        let cookie = "s-\(user.id)-\(UInt64.random(in: 0...UInt64.max))"
        sessions.users.withLock { $0[cookie] = user }
        return cookie
    }

    /// Shuts the app down gracefully and waits for it.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
