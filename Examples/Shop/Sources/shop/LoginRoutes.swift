import Foundation
import Hummingbird
import HummingbirdAuth
import ParleyHummingbird

/// The shop's own login: the form, the password check (bcrypt), the session cookie, and logout
/// — which also ends the user's chat connections.
struct LoginRoutes {
    let database: ShopDatabase
    let chat: ParleyChat

    /// The fields of the login form.
    struct Form: Decodable {
        var email: String
        var password: String
    }

    func add(to router: Router<ShopContext>) {
        router.get("login") { request, context -> Response in
            if context.identity != nil { return .redirect(to: "/") }
            return try HTML(text: Self.page()).response(from: request, context: context)
        }
        router.post("login") { request, context -> Response in
            let form = try await URLEncodedFormDecoder().decode(Form.self, from: request, context: context)
            guard let account = try await database.account(email: form.email, password: form.password), let id = account.id else {
                return try HTML(status: .unauthorized, text: Self.page(email: form.email, error: "Wrong e-mail or password."))
                    .response(from: request, context: context)
            }
            // A new session (a new cookie value): the one before login, if any, is not reused.
            context.sessions.createSession(ShopSession(accountID: id, endsAt: Date() + ShopSession.lifetime.seconds), expiresIn: ShopSession.lifetime)
            return .redirect(to: "/")
        }
        router.post("logout") { _, context -> Response in
            if let user = context.identity {
                context.sessions.clearSession()
                // Logging out of the shop ends this login's chat too (SESSION-39, CREDENTIALS_EXPIRED);
                // the user's other devices stay signed in.
                chat.server.signOut(user.account.chatUserID, login: user.login)
            }
            return .redirect(to: "/login")
        }
    }

    /// The login page, with the e-mail typed before and an error after a failed attempt.
    static func page(email: String = "", error: String? = nil) -> String {
        let accounts = SeedData.accounts.map { "<li><code>\(escape($0.email))</code> / <code>\(escape($0.password))</code> — \(escape($0.name)) (\($0.role.rawValue))</li>" }
        return PageLayout.page(title: "Log in", body: """
            <h1>Log in</h1>
            <form class="card" method="post" action="/login">
            \(error.map { #"<p class="error" data-testid="login-error">\#(escape($0))</p>"# } ?? "")
            <label for="email">E-mail</label>
            <input id="email" name="email" type="email" autocomplete="username" required value="\(escape(email))">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button class="primary" data-testid="login-button">Log in</button>
            </form>
            <p class="hint">Demo accounts:</p>
            <ul class="hint">\(accounts.joined())</ul>
            """)
    }
}

/// Durations as `TimeInterval`s.
extension Duration {
    /// The duration in seconds, for `Date` arithmetic.
    var seconds: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
