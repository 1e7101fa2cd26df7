import Foundation
import GRDB

/// A user of the shop: a customer, or staff who answer the chat.
struct Account: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "account"

    /// What an account may do in the shop, and who it is in the chat.
    enum Role: String, Codable, Sendable, DatabaseValueConvertible {
        /// Buys things; chats as a visitor.
        case customer
        /// Staff answering the support team's chats.
        case agent
        /// Staff who also watch and take over other agents' chats.
        case supervisor
    }

    var id: Int64?
    var email: String
    var name: String
    /// The bcrypt hash of the password.
    var passwordHash: String
    var role: Role
    /// Staff's short name, which the chat shows them by ("ana"); `nil` for customers.
    var handle: String?

    /// Whether the account is staff (agent or supervisor).
    var isStaff: Bool { role != .customer }

    /// The account's user id in the chat: `customer-<id>` for customers, the handle for staff
    /// (the visitor widget names agents by their user id).
    var chatUserID: String { handle ?? "customer-\(id ?? 0)" }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The columns queries filter on.
    enum Columns {
        static let email = Column(CodingKeys.email)
    }
}
