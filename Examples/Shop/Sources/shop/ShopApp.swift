import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import ParleyHummingbird
import ServiceLifecycle

/// The shop's web app: its login sessions (cookie `shop_session`, kept in memory), its pages,
/// the chat's browser files, and the chat itself on `/chat` — all on one router and one server.
enum ShopApp {
    /// The app on `host:port`; `onRunning` is told the port it listens on once it does.
    /// `storeService` is Parley's store when it runs as a service (a `PostgresStore`'s connection
    /// pool): it starts with the app and stops after the chat has said goodbye.
    static func build(
        database: ShopDatabase, chat: ParleyChat, storeService: (any Service)? = nil, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) -> Void
    ) -> some ApplicationProtocol {
        let sessions = MemoryPersistDriver()
        let router = Router(context: ShopContext.self)
        router.addMiddleware {
            SessionMiddleware(storage: sessions, configuration: .init(
                sessionCookieParameters: .init(name: "shop_session", sameSite: .lax), defaultSessionExpiration: ShopSession.lifetime))
            SessionAuthenticator(context: ShopContext.self) { (session: ShopSession, _: UserRepositoryContext) -> SignedIn? in
                guard session.endsAt > Date(), let account = try await database.account(id: session.accountID) else { return nil }
                return SignedIn(account: account, endsAt: session.endsAt, login: session.login)
            }
        }
        HomePage(database: database).add(to: router)
        LoginRoutes(database: database, chat: chat).add(to: router)
        WebAssetRoutes.add(to: router)
        ChatRoute.add(to: router, chat: chat, database: database)
        return Application(
            router: router, server: .parley(chat, router: router),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            services: (storeService.map { [$0] } ?? []) + [sessions, chat],
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
