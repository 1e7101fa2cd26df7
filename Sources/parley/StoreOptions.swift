import ArgumentParser
import Foundation
import ParleyCore
import ParleyPostgres
import ParleyServer
import ParleySQLite

/// Where `parley serve` keeps its data (Spec/storage.md, STORE-6, STORE-7): SQLite in a data
/// directory by default, PostgreSQL, or memory only.
struct StoreOptions: ParsableArguments {
    @Option(help: "Where conversations are kept: sqlite (default: DATA/parley.sqlite), memory (nothing survives a restart), or postgres://user[:password]@host[:port]/db (or `postgres` for the PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE variables). Env: PARLEY_STORE")
    var store: String?
    @Option(help: "Data directory: the SQLite database and the token key (default ./parley-data). Env: PARLEY_DATA")
    var data: String?
    @Option(help: "Remove archived conversations that ended more than N days ago, with their events, at start and hourly (default: keep all). Env: PARLEY_RETAIN_DAYS")
    var retainDays: Int?

    /// The chosen store.
    enum Choice {
        case memory
        case sqlite(path: String)
        case postgres(PostgresConnectionSettings)
    }

    /// The data directory.
    var directory: String { data ?? ProcessInfo.processInfo.environment["PARLEY_DATA"] ?? "./parley-data" }

    /// The retention period, if any.
    func retention() throws -> Int? {
        guard let days = retainDays ?? ProcessInfo.processInfo.environment["PARLEY_RETAIN_DAYS"].flatMap({ Int($0) }) else { return nil }
        guard days >= 1 else { throw ValidationError("--retain-days must be at least 1") }
        return days
    }

    /// The store `--store` names.
    func choice() throws -> Choice {
        let environment = ProcessInfo.processInfo.environment
        let named = store ?? environment["PARLEY_STORE"] ?? "sqlite"
        switch named {
        case "memory": return .memory
        case "sqlite": return .sqlite(path: (directory as NSString).appendingPathComponent("parley.sqlite"))
        case "postgres", "postgresql":
            do { return .postgres(try PostgresConnectionSettings(environment: environment)) } catch { throw ValidationError("\(error)") }
        case let url where url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"):
            do { return .postgres(try PostgresConnectionSettings(url: url)) } catch { throw ValidationError("\(error)") }
        default:
            throw ValidationError("--store must be sqlite, memory, postgres or a postgres:// URL, not \(named)")
        }
    }

    /// The token key kept in the data directory (created, readable by its owner only, at the
    /// first start): sessions and visitors' tokens stay valid across restarts, so a visitor
    /// who comes back reaches their conversations (STORE-6).
    func persistentKey() throws -> [UInt8] {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("key")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
            do { return try ServerOptions.hex(hex) } catch { throw ValidationError("\(path): \(error)") }
        }
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        guard manager.createFile(atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(path)")
        }
        return bytes
    }
}
