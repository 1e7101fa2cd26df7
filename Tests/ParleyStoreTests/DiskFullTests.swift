import Foundation
import GRDB
import ParleyClient
import ParleyCore
import ParleyServer
@testable import ParleySQLite
import ParleyWire
import Testing

/// A real SQLite store that runs out of room (`SQLITE_FULL`, "database or disk is full", made
/// with `max_page_count` on the store's own writer): clients are told STORE_UNAVAILABLE, the
/// server stays up, nothing confirmed is lost, and once there is room again every message the
/// clients re-sent is written exactly once (STORE-3, STORE-4).
@Suite struct DiskFullTests {
    struct StillFull: Error {}

    @Test("STORE-3, STORE-4: a full disk under SQLite: STORE_UNAVAILABLE, the server stays up, nothing confirmed lost, every re-sent message written once")
    func diskFull() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-full-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("parley.sqlite").path)
        var session = SessionConfiguration()
        session.inProgressRetryAfterMs = 20
        session.messageRate = 1_000
        session.messageBurst = 1_000
        let server = ParleyServer(
            configuration: ServerConfiguration(key: Array("disk full test key, 32 bytes!!!!".utf8), teams: ["support"], session: session),
            store: store)
        let client = ParleyClient(server: server, auth: Wire.Auth(scheme: "anonymous"))
        try await client.connect()
        defer { client.close() }
        guard case .ok(let created) = try await client.request(.create(Wire.Create(rid: 0, text: "hello", clientMessageId: "m0"))),
              let conversation = created.conversation else { Issue.record("not created"); return }
        var confirmed: [String: UInt64] = [:]
        for index in 1...5 {
            guard case .ok(let ok) = try await client.request(.send(Wire.Send(
                rid: 0, conversation: conversation, clientMessageId: "m\(index)", text: "before \(index)"))) else { continue }
            confirmed["m\(index)"] = ok.cseq
        }
        // The disk fills up: no page may be added to the database any more.
        let pages = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA page_count")! }
        try await store.pool.writeWithoutTransaction { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") }
        var refused = 0
        let filler = String(repeating: "x", count: 3_000)
        for index in 6...8 {
            let result = try await client.request(.send(Wire.Send(
                rid: 0, conversation: conversation, clientMessageId: "m\(index)", text: "during \(index) \(filler)")))
            if case .error(let error) = result {
                #expect(error.code == UInt64(ErrorCode.storeUnavailable.rawValue), "\(error)")
                refused += 1
            } else if case .ok(let ok) = result {
                confirmed["m\(index)"] = ok.cseq
            }
        }
        #expect(refused > 0, "the full disk was never noticed")
        #expect(server.isReady, "the server stays up")
        // Room again: the server's retries get through; re-sending each refused message gets its outcome.
        try await store.pool.writeWithoutTransaction { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = 1073741823") }
        for index in 6...8 where confirmed["m\(index)"] == nil {
            var answered = false
            for _ in 0..<200 {
                let result = try await client.request(.send(Wire.Send(
                    rid: 0, conversation: conversation, clientMessageId: "m\(index)", text: "during \(index) \(filler)")))
                if case .ok(let ok) = result {
                    confirmed["m\(index)"] = ok.cseq
                    answered = true
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            if !answered { throw StillFull() }
        }
        let recovered = try await store.recover()
        let messages = recovered.events.filter { $0.conversation == conversation && $0.kind == .message }
        for (id, cseq) in confirmed {
            let copies = messages.filter { $0.clientMessageId == id }
            #expect(copies.map(\.cseq) == [cseq], "\(id): confirmed at \(cseq), stored \(copies.map(\.cseq))")
        }
        let cseqs = recovered.events.filter { $0.conversation == conversation }.map(\.cseq).sorted()
        #expect(cseqs == Array(1...UInt64(cseqs.count)), "no gap: \(cseqs)")
        try store.close()
    }
}
