import Foundation
import ParleyCore
import ParleyServer
import ParleySQLite

/// A store under test, opened on fresh data, and how to open it again on the same data.
struct StoreSubject: Sendable {
    /// The store.
    let store: any DurableStore
    /// Closes the store and opens a new one on its data; `nil` for a store that keeps nothing
    /// beyond itself (``MemoryStore``).
    let reopen: (@Sendable () async throws -> any DurableStore)?
}

/// The kinds of store the contract runs on.
enum StoreKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case memory, sqlite, postgres

    var description: String { rawValue }

    /// Runs `body` with a store of this kind on fresh, empty data, and removes the data after.
    func withSubject(_ body: (StoreSubject) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(StoreSubject(store: MemoryStore(), reopen: nil))
        case .sqlite:
            try await TemporaryDirectory.with { directory in
                let path = directory.appendingPathComponent("nested/parley.sqlite").path
                let first = try SQLiteStore(path: path)
                try await body(StoreSubject(store: first) {
                    try first.close()
                    return try SQLiteStore(path: path)
                })
            }
        case .postgres:
            try await PostgresTestServer.withStore { store, reopen in
                try await body(StoreSubject(store: store, reopen: reopen))
            }
        }
    }
}

/// A directory removed after use.
enum TemporaryDirectory {
    /// Runs `body` with a new empty directory, then removes it.
    static func with(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }
}
