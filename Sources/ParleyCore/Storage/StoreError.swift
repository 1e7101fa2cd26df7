/// Why a database store (SQLite, PostgreSQL) could not open or migrate its database, or read
/// a row back (Spec/storage.md).
public enum StoreError: Error, Hashable, CustomStringConvertible {
    /// The database's schema version is newer than this store knows: a newer Parley wrote it.
    case schemaTooNew(found: Int, known: Int)
    /// A row that is not what a store writes (`table`, `detail`).
    case unreadableRow(table: String, detail: String)

    /// A sentence naming the versions or the row.
    public var description: String {
        switch self {
        case .schemaTooNew(let found, let known):
            "the database has schema version \(found), newer than the newest this store knows (\(known))"
        case .unreadableRow(let table, let detail):
            "unreadable row in \(table): \(detail)"
        }
    }
}
