// The README's example, compiled with only the imports an app has (not run).
import ParleyVapor
import Vapor

private enum Readme {
    struct User: SessionAuthenticatable {
        var id: String, name: String, isStaff: Bool, orderCount: Int, sessionEnds: Date
        var sessionID: String { id }
    }

    struct UserSessionAuthenticator: AsyncSessionAuthenticator {
        typealias User = Readme.User
        func authenticate(sessionID: String, for request: Request) async throws {}
    }

    static let chatKey = Array("the README's chat key, 32 bytes!".utf8)

    static func configure(_ app: Application) async throws {
        let server = ParleyServer(configuration: ServerConfiguration(key: chatKey, teams: ["support", "sales"]))
        app.lifecycle.use(ParleyLifecycle(server: server))      // recover() at boot, goodbye at shutdown

        let site = app.grouped(app.sessions.middleware, UserSessionAuthenticator())   // your login
        site.parley("chat", server: server, configuration: .init(allowedOrigins: ["https://shop.example"])) { req in
            guard let user = req.auth.get(User.self) else { return nil }   // not logged in: anonymous visitor
            return AuthenticatedIdentity(
                identity: .init(user: user.id, role: user.isStaff ? .agent : .visitor, displayName: user.name),
                expiresAt: Instant(milliseconds: UInt64(user.sessionEnds.timeIntervalSince1970 * 1_000)),
                vouched: [.init(key: "orders", value: "\(user.orderCount)")])   // set on their conversations
        }
        app.post("logout") { req async throws -> HTTPStatus in
            if let user = req.auth.get(User.self) { server.signOut(user.id) }   // closes their chats too
            req.auth.logout(User.self); req.session.destroy()
            return .ok
        }
    }
}
