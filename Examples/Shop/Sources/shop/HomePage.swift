import Hummingbird

/// The shop's home page: a customer's orders and the chat widget signed in with the shop's
/// login; staff's link to the agent console; guests' welcome and the widget as an anonymous
/// visitor.
struct HomePage {
    let database: ShopDatabase

    func add(to router: Router<ShopContext>) {
        router.get("/") { request, context -> Response in
            let chatURL = Self.chatURL(request)
            guard let account = context.identity?.account else {
                return try HTML(text: PageLayout.page(title: "Welcome", widget: Self.widget(url: chatURL, signedIn: false), body: """
                    <h1>Welcome to Oak &amp; Ink</h1>
                    <p>Desk things made to last. <a href="/login">Log in</a> to see your orders — or ask us anything in the chat.</p>
                    """)).response(from: request, context: context)
            }
            if account.isStaff {
                return try HTML(text: PageLayout.page(title: "Staff", user: account, body: """
                    <h1>Hello, \(escape(account.name))</h1>
                    <p>You are on the support team as \(account.role == .supervisor ? "a supervisor" : "an agent").
                    The console signs you in with this login: no token, no second password.</p>
                    <a class="staff" data-testid="console-link" href="/console.html?auth=transport&amp;path=/chat">Open the support console</a>
                    """)).response(from: request, context: context)
            }
            let orders = try await database.orders(of: account.id ?? 0)
            let rows = orders.map { order in
                "<tr><td>#\(order.id ?? 0)</td><td>\(order.placedAt.formatted(date: .abbreviated, time: .omitted))</td>"
                    + "<td>\(escape(order.summary))</td><td>\(order.total)</td><td>\(escape(order.status))</td></tr>"
            }
            return try HTML(text: PageLayout.page(title: "Your orders", user: account, widget: Self.widget(url: chatURL, signedIn: true), body: """
                <h1>Your orders</h1>
                <table data-testid="orders"><thead><tr><th>Order</th><th>Placed</th><th>Items</th><th>Total</th><th>Status</th></tr></thead>
                <tbody>\(rows.joined())</tbody></table>
                <p class="hint">Questions about an order? The chat knows who you are.</p>
                """)).response(from: request, context: context)
        }
    }

    /// The chat widget: signed in with the shop's login (`data-auth="transport"`) or, for
    /// guests, as an anonymous visitor.
    static func widget(url: String, signedIn: Bool) -> String {
        #"<script src="/widget.js" data-url="\#(escape(url))" data-team="support"\#(signedIn ? #" data-auth="transport""# : "") async></script>"#
    }

    /// The chat's WebSocket URL on the host the page was asked for (`wss` behind a TLS proxy
    /// that says so).
    static func chatURL(_ request: Request) -> String {
        let secure = request.headers[.init("X-Forwarded-Proto")!] == "https"
        let host = request.head.authority ?? "127.0.0.1"
        return "\(secure ? "wss" : "ws")://\(host)/chat"
    }
}
