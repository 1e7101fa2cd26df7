import Foundation
import GRDB
import HummingbirdBcrypt
import NIOPosix

/// The shop's own database (SQLite through GRDB): accounts and orders. Parley keeps its chat
/// data apart, in its own store.
final class ShopDatabase: Sendable {
    private let queue: DatabaseQueue

    /// Opens the database at `path` (creating it and its folder when missing), migrates it, and
    /// seeds it with ``SeedData`` when it has no accounts yet.
    init(path: String) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        queue = try DatabaseQueue(path: path)
        try Self.migrator.migrate(queue)
        try queue.write { db in
            if try Account.fetchCount(db) == 0 { try Self.seed(db) }
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("accounts and orders") { db in
            try db.create(table: Account.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("email", .text).notNull().unique(onConflict: .fail)
                t.column("name", .text).notNull()
                t.column("passwordHash", .text).notNull()
                t.column("role", .text).notNull()
                t.column("handle", .text).unique()
            }
            try db.create(table: Order.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo(Account.databaseTableName, onDelete: .cascade).notNull()
                t.column("placedAt", .datetime).notNull()
                t.column("summary", .text).notNull()
                t.column("totalCents", .integer).notNull()
                t.column("status", .text).notNull()
            }
        }
        return migrator
    }

    private static func seed(_ db: Database) throws {
        for seed in SeedData.accounts {
            var account = Account(
                email: seed.email, name: seed.name, passwordHash: Bcrypt.hash(seed.password, cost: 10), role: seed.role, handle: seed.handle)
            try account.insert(db)
            for (summary, cents, status, daysAgo) in seed.orders {
                var order = Order(
                    accountID: account.id!, placedAt: Date().addingTimeInterval(-Double(daysAgo) * 86_400),
                    summary: summary, totalCents: cents, status: status)
                try order.insert(db)
            }
        }
    }

    /// The account with this id.
    func account(id: Int64) async throws -> Account? {
        try await queue.read { db in try Account.fetchOne(db, key: id) }
    }

    /// The account whose e-mail and password these are, or `nil`. The bcrypt check runs on
    /// NIO's thread pool, off the server's event loops; an unknown e-mail costs a check too, so
    /// the answer's timing does not tell which e-mails have accounts.
    func account(email: String, password: String) async throws -> Account? {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let account = try await queue.read { db in try Account.filter(Account.Columns.email == email).fetchOne(db) }
        let hash = account?.passwordHash ?? Self.decoyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        return matches ? account : nil
    }

    /// A hash checked for unknown e-mails (of a password nobody has).
    private static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: 10)

    /// The customer's orders, newest first.
    func orders(of accountID: Int64) async throws -> [Order] {
        try await queue.read { db in
            try Order.filter(Order.Columns.accountID == accountID).order(Order.Columns.placedAt.desc).fetchAll(db)
        }
    }

    /// How many orders the customer placed.
    func orderCount(of accountID: Int64) async throws -> Int {
        try await queue.read { db in try Order.filter(Order.Columns.accountID == accountID).fetchCount(db) }
    }
}
