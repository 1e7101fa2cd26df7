import Foundation
import GRDB

/// An order a customer placed.
struct Order: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "orders"

    var id: Int64?
    var accountID: Int64
    var placedAt: Date
    /// What was bought, as one line ("Oak desk lamp ×1").
    var summary: String
    var totalCents: Int
    /// `processing`, `shipped`, `delivered`.
    var status: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The column names: `accountId` is the one GRDB's `belongsTo` made.
    enum CodingKeys: String, CodingKey {
        case id, placedAt, summary, totalCents, status
        case accountID = "accountId"
    }

    /// The columns queries filter and sort on.
    enum Columns {
        static let accountID = Column(CodingKeys.accountID)
        static let placedAt = Column(CodingKeys.placedAt)
    }

    /// The total as money ("€89.00").
    var total: String { String(format: "€%d.%02d", totalCents / 100, totalCents % 100) }
}
