import Foundation
import Hummingbird
import HummingbirdAuth

/// What the shop keeps in a login session (in memory, behind the `shop_session` cookie): whose
/// it is and when it ends.
struct ShopSession: Codable, Sendable {
    var accountID: Int64
    /// When the login ends: the session's lifetime in the session store, and the chat's.
    var endsAt: Date
    /// This login's own id (one per login, per device): logging out signs out its chat only.
    var login: String = UUID().uuidString

    /// How long a login lasts.
    static let lifetime: Duration = .seconds(8 * 60 * 60)
}

/// A signed-in user, as the shop's login middleware finds them: their account and when their
/// login ends.
struct SignedIn: Sendable {
    var account: Account
    var endsAt: Date
    /// The login's id (``ShopSession/login``).
    var login: String
}

/// The shop's request context: the login session (HummingbirdAuth's `SessionMiddleware`) and
/// the signed-in user (its `SessionAuthenticator`) as `identity`.
typealias ShopContext = BasicSessionRequestContext<ShopSession, SignedIn>
