import BenchSupport
import Dispatch
import Foundation
import ParleyPostgres
import ParleyServer
import ParleySQLite

/// `store`: persisted messages per second and `send` → `ok` latency through a ``ParleyServer``
/// in process, for each store, with the server's group commit. Anonymous visitors on
/// in-process connections (no sockets) each create a conversation and send in a closed loop
/// (one send outstanding each) at 1, 100 and 1,000 visitors, then 1,000 messages/s paced over
/// 100 visitors. Stores: none (the baseline: state in memory, every batch confirmed at once),
/// `MemoryStore` (the store path with a free store), `SQLiteStore` on a temp file, and
/// `PostgresStore` when `PARLEY_BENCH_POSTGRES` holds a `postgres://` URL. With a store every
/// `ok` follows a confirmed write, so `ok`s per second are persisted messages per second.
struct StoreBench: BenchSuite {
    let name = "store"
    static let concurrencies = [1, 100, 1_000]
    static let pacedRate = 1_000
    static let pacedVisitors = 100

    func run() {
        print("\n== store: persisted messages/s and send → ok latency per store (group commit), 1 s warm-up + 5 s each ==")
        print(pad("store", 10) + pad("visitors", 13) + pad("msgs/s", 10) + pad("vs none", 9) + pad("writes", 8) + pad("msgs/write", 12)
              + pad("ms/write", 10) + pad("p50 ms", 9) + pad("p99 ms", 9) + pad("max ms", 9) + pad("allocs/msg", 12) + "errors")
        var serial = 0
        var baseline: [Int: Double] = [:]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-store-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stores: [(String, () throws -> (any DurableStore)?)] = [
            ("none", { nil }),
            ("memory", { MemoryStore() }),
            ("sqlite", { try SQLiteStore(path: "\(directory)/\(UUID().uuidString).sqlite") }),
        ]
        do {
            for (label, open) in stores { try runCases(label, open: open, serial: &serial, baseline: &baseline) }
        } catch {
            print("cannot open the store: \(error)")
            return
        }
        guard let url = ProcessInfo.processInfo.environment["PARLEY_BENCH_POSTGRES"] else {
            print("postgres  skipped: set PARLEY_BENCH_POSTGRES to a postgres:// URL (Scripts/with-postgres.sh starts one)")
            return
        }
        do {
            let postgres = try BenchPostgres(url: url)
            defer { postgres.stop() }
            try runCases("postgres", open: { postgres.store }, serial: &serial, baseline: &baseline)
        } catch {
            print("postgres  cannot start: \(error)")
        }
    }

    /// The closed-loop cases at each concurrency, then the paced case, each on a fresh server
    /// with the store `open` makes (`nil`: none).
    private func runCases(_ label: String, open: () throws -> (any DurableStore)?, serial: inout Int, baseline: inout [Int: Double]) throws {
        for visitors in Self.concurrencies {
            serial += 1
            let store = try open()
            let result = StoreCase(store: store, visitors: visitors, closedLoop: true, serial: serial).closedLoop()
            if store == nil { baseline[visitors] = result.messagesPerSecond }
            report(label, "\(visitors)", result, baseline: baseline[visitors])
        }
        serial += 1
        let paced = StoreCase(store: try open(), visitors: Self.pacedVisitors, closedLoop: false, serial: serial).paced(rate: Self.pacedRate)
        report(label, "\(Self.pacedVisitors) @\(Self.pacedRate)/s", paced, baseline: nil)
    }

    private func report(_ label: String, _ visitors: String, _ result: StoreCase.Result, baseline: Double?) {
        let writes = result.writes
        let ratio = baseline.map { fmt(result.messagesPerSecond / $0, 2) + "×" } ?? "-"
        let perWrite = writes.map { fmt(Double(result.latencies.count) / Double(max($0.writes, 1)), 1) } ?? "-"
        let msPerWrite = writes.map { fmt(Double($0.nanoseconds) / 1e6 / Double(max($0.writes, 1)), 2) } ?? "-"
        var errors = "\(result.errors)"
        if let first = result.firstError { errors += " (first: \(first))" }
        if result.closedConnections > 0 { errors += ", \(result.closedConnections) closed by the server" }
        print(pad(label, 10) + pad(visitors, 13) + pad(fmt(result.messagesPerSecond, 0), 10) + pad(ratio, 9)
              + pad(writes.map { "\($0.writes)" } ?? "-", 8) + pad(perWrite, 12) + pad(msPerWrite, 10)
              + pad(fmt(result.milliseconds(0.5), 2), 9) + pad(fmt(result.milliseconds(0.99), 2), 9)
              + pad(fmt(result.milliseconds(1), 2), 9) + pad(fmt(result.allocationsPerMessage, 0), 12) + errors)
    }

    private func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
}
