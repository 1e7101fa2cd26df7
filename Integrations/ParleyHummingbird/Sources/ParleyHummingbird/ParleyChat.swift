import Hummingbird
import ParleyCore
import ParleyNIO
import ParleyServer
import ServiceLifecycle
import Synchronization

/// Parley inside a Hummingbird app: the `ParleyServer` the app's chat route upgrades into,
/// and a `Service` of the app's service group that recovers it at start (STORE-6) and says
/// goodbye to every client (`SERVER_SHUTDOWN`, SESSION-35) when the app shuts down.
///
/// ```swift
/// let chat = ParleyChat(server: ParleyServer(configuration: ServerConfiguration(key: key, teams: ["support"]), store: store))
/// let router = Router(context: ShopContext.self)
/// router.addMiddleware { SessionMiddleware(storage: sessions); ShopLogin() }  // the app's own login
/// router.parley("chat", chat) { request, context in
///     guard let customer = context.identity else { return nil }              // anonymous visitors allowed
///     return AuthenticatedIdentity(identity: Wire.Identity(user: customer.id, role: .visitor, displayName: customer.name))
/// }
/// let app = Application(router: router, server: .parley(chat, router: router), services: [chat])
/// try await app.runService()
/// ```
public final class ParleyChat: Service, Sendable {
    /// The Parley server connections upgrade into.
    public let server: ParleyServer
    /// The WebSocket settings: message limit (WS-3), permessage-deflate (WS-5), allowed
    /// origins (WS-6), trusted proxies (ABUSE-13), close linger. Its ports, path and TLS are
    /// not used: the app's server and route decide those.
    public let configuration: ParleyNIOServer.Configuration
    /// How long clients wait before reconnecting after the shutdown goodbye.
    public let reconnectAfterMs: UInt64
    /// What runs before recovery: a store's migration (`PostgresStore.migrate()`).
    private let preparing: @Sendable () async throws -> Void
    /// Upgrade requests being decided by the app's router, by their marker (``ParleyUpgrade``).
    let upgrades = Mutex<[String: ParleyUpgrade.Decision]>([:])
    private let shutDown = Atomic<Bool>(false)
    private let recovered = Atomic<Bool>(false)

    /// Whether the server has been recovered from its store and takes connections: until then
    /// (and once shutting down) the chat route answers 503 with `Retry-After`.
    public var isReady: Bool { recovered.load(ordering: .acquiring) && server.isReady }

    /// Parley for an app: `server`, carried over WebSocket as `configuration` says; `preparing`
    /// runs first when the service starts (`{ try await store.migrate() }` for a PostgreSQL store).
    public init(
        server: ParleyServer, configuration: ParleyNIOServer.Configuration = .init(), reconnectAfterMs: UInt64 = 1_000,
        preparing: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.server = server
        self.configuration = configuration
        self.reconnectAfterMs = reconnectAfterMs
        self.preparing = preparing
    }

    /// Prepares the store, recovers the server from it, then runs until the app shuts down
    /// gracefully, and says goodbye to every client.
    public func run() async throws {
        try await preparing()
        try await server.recover()
        recovered.store(true, ordering: .releasing)
        try? await gracefulShutdown()
        shutdown()
    }

    /// Says goodbye to every client (`SERVER_SHUTDOWN`), once; the app's server calls it when
    /// it starts to quiesce, before it waits for its connections to close.
    func shutdown() {
        guard !shutDown.exchange(true, ordering: .relaxed) else { return }
        server.shutdown(reconnectAfterMs: reconnectAfterMs)
    }
}
