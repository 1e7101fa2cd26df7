import Foundation

/// The accounts and orders a new shop database starts with, and the passwords printed at start
/// so you can log in (a demo: real shops never keep or print passwords).
enum SeedData {
    /// An account to create, with its password in clear (hashed on the way in) and its orders.
    struct SeedAccount: Sendable {
        var name: String
        var email: String
        var password: String
        var role: Account.Role
        var handle: String?
        /// Summary, total in cents, status, days ago.
        var orders: [(String, Int, String, Int)] = []
    }

    static let accounts: [SeedAccount] = [
        SeedAccount(
            name: "Ada Lovelace", email: "ada@example.com", password: "analytical", role: .customer,
            orders: [
                ("Oak desk lamp ×1", 8_900, "delivered", 41),
                ("Linen notebook ×3", 3_600, "delivered", 17),
                ("Brass pen ×1", 4_500, "shipped", 2),
            ]),
        SeedAccount(
            name: "Grace Hopper", email: "grace@example.com", password: "compiler", role: .customer,
            orders: [
                ("Walnut monitor stand ×1", 12_900, "delivered", 30),
                ("Wool desk mat ×1", 3_900, "processing", 1),
            ]),
        SeedAccount(name: "Ana Souza", email: "ana@shop.example", password: "support", role: .agent, handle: "ana"),
        SeedAccount(name: "Sam Okafor", email: "sam@shop.example", password: "supervise", role: .supervisor, handle: "sam"),
    ]
}
