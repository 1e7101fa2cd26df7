import Hummingbird
import ParleyCore
import ParleyHummingbird
import ParleyWire

/// The chat on `/chat`, behind the shop's login: who the shop says its user is, in Parley's
/// terms (SESSION-38). Customers chat as visitors under their account, with their name and
/// order count vouched for (CONV-38); staff as agents of the support team; guests anonymously.
/// The chat ends with the login (SESSION-39).
enum ChatRoute {
    static func add(to router: Router<ShopContext>, chat: ParleyChat, database: ShopDatabase) {
        router.parley("chat", chat) { _, context in
            guard let user = context.identity else { return nil }  // a guest: an anonymous visitor
            let account = user.account, loginEnds = Instant(milliseconds: UInt64(user.endsAt.timeIntervalSince1970 * 1_000))
            guard account.role == .customer else {
                return AuthenticatedIdentity(
                    identity: Wire.Identity(
                        user: account.chatUserID, role: account.role == .supervisor ? .supervisor : .agent,
                        displayName: account.name, teams: ["support"]),
                    expiresAt: loginEnds, login: user.login)
            }
            let orders = try await database.orderCount(of: account.id ?? 0)
            return AuthenticatedIdentity(
                identity: Wire.Identity(user: account.chatUserID, role: .visitor, displayName: account.name),
                expiresAt: loginEnds, login: user.login,
                vouched: [Wire.Property(key: "name", value: account.name), Wire.Property(key: "orders", value: String(orders))])
        }
    }
}
