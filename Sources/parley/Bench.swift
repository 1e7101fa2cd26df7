import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import ParleyBench
import ParleyClient

/// `parley bench`: the end-to-end load generator (fan-out latency and throughput, and
/// connection scale) against a server on this machine.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a Parley server on this machine through the real protocol and measure it.",
        discussion: """
            Start the server with the bench's key and raised message limits, e.g.
              parley serve --key \(BenchDefaults.keyHex) --message-rate 1000000000 --message-burst 1000000
            `fanout --peer redis|nats` runs the same fan-out against a Redis or NATS server instead, and
            `compare` runs its cases against all three side by side.
            Every run stops by itself and targets loopback addresses only.
            """,
        subcommands: [Fanout.self, Compare.self, Connections.self, Repeat.self, Churn.self])
}

/// Shared defaults of the bench commands.
enum BenchDefaults {
    /// The development key the bench signs agent tokens with unless told otherwise.
    static let keyHex = "5061726c65792062656e6368206b6579202d20646576656c6f706d656e74210a"

    static func key(_ hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count >= 32, digits.count % 2 == 0 else { throw ValidationError("--key must be at least 16 bytes of hex") }
        return try stride(from: 0, to: digits.count, by: 2).map { i in
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { throw ValidationError("--key must be hex") }
            return byte
        }
    }

    /// Seconds from `30s`, `500ms`, `2m` or a bare number of seconds.
    static func seconds(_ text: String) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)) { return value * scale }
        }
        guard let value = Double(text) else { throw ValidationError("bad duration \(text) (use 30s, 500ms, 2m)") }
        return value
    }

    static func endpoint(_ text: String, encoding: String) throws -> Endpoint {
        guard let endpoint = Endpoint(text, json: encoding != "binary") else { throw ValidationError("bad endpoint \(text)") }
        return endpoint
    }
}

extension Bench {
    /// `parley bench fanout`: publishers → rooms → subscribers, latency of every delivery.
    struct Fanout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish into rooms and measure every delivery (latency, loss, duplicates, order).")

        @Option(help: "The server: parley, redis or nats (the same load through its own protocol)") var peer: ServerKind = .parley
        @Option(help: "tcp://HOST:PORT or ws://HOST:PORT/parley (loopback only); for Redis and NATS only HOST counts") var endpoint = "tcp://127.0.0.1:7400"
        @Option(help: "The server's port (default: the endpoint's for Parley, 6379 for Redis, 4222 for NATS)") var peerPort: Int?
        @Option(help: "With a ws:// endpoint: json or binary") var encoding = "binary"
        @Option(help: "With a ws:// endpoint: offer permessage-deflate, as browsers do: on or off") var wsDeflate = "on"
        @Option(help: "The server's process id, to report its CPU per delivery (/proc/PID/stat)") var serverPid: Int32?
        @Option(help: "Subscriber connections (observers, subscriptions), spread over the rooms") var subscribers = 1_000
        @Option(help: "Rooms (conversations, channels, subjects)") var rooms = 1
        @Option(help: "Publisher connections") var publishers = 1
        @Option(help: "Publishes per second in total; 0 = as fast as possible") var rate: Double = 0
        @Option(help: "Message text size in bytes (≥ 39)") var size = 100
        @Option(help: "Publishing time: 30s, 500ms, 2m") var duration = "10s"
        @Option(help: "Subscribers that read slowly (--slow-read bytes every --slow-every ms)") var slow = 0
        @Option(help: "Bytes a slow subscriber reads at a time") var slowRead = 1_024
        @Option(help: "Milliseconds between a slow subscriber's reads") var slowEvery: Int64 = 50
        @Option(help: "As fast as possible: publishes whose deliveries may be outstanding") var window = 200
        @Option(help: "The server's token key, hex (parley serve --key)") var key = BenchDefaults.keyHex
        @Option(help: "The team of the bench's agents") var team = "support"
        @Option(help: "Loopback source addresses to spread connections over (127.0.0.1…N; 0 = system's choice)") var sources = 0
        @Option(help: "Event loop threads of the load generator") var threads = System.coreCount
        @Option(help: "Write the result as JSON to this file") var json: String?
        @Option(help: "Write the latency percentile plot (SVG) to this file") var plot: String?

        /// The run these options describe.
        func options() throws -> FanoutOptions {
            guard wsDeflate == "on" || wsDeflate == "off" else { throw ValidationError("--ws-deflate is on or off") }
            var target = try BenchDefaults.endpoint(endpoint, encoding: encoding)
            if peer != .parley { target = Endpoint(binding: .stream, host: target.host, port: peer.defaultPort) }
            if let peerPort { target.port = peerPort }
            target.offersPerMessageDeflate = wsDeflate == "on"
            var options = FanoutOptions(
                endpoint: target, subscribers: subscribers, rooms: rooms,
                publishers: publishers, rate: rate, size: size, duration: try BenchDefaults.seconds(duration), slow: slow,
                key: try BenchDefaults.key(key), team: team, window: window,
                sources: sources > 0 ? (1...sources).map { "127.0.0.\($0)" } : [])
            options.drainSeconds = 10
            options.slowChunk = slowRead
            options.slowEveryMs = slowEvery
            options.server = peer
            options.serverPID = serverPid
            return options
        }

        func run() async throws {
            let options = try options()
            let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
            let run = FanoutRun(options: options, group: group)
            let bar = ProgressBar()
            let result: FanoutResult
            do {
                result = try await run.run { phase in bar.phase(phase, counters: run.counters) }
            } catch {
                bar.finish()
                try? await group.shutdownGracefully()
                throw error
            }
            bar.finish()
            emit(result.table)
            if let json { try result.json.write(toFile: json, atomically: true, encoding: .utf8) }
            if let plot {
                let title = "\(peer): \(publishers) → \(subscribers) subscribers, \(rate > 0 ? "\(Int(rate))/s" : "max rate"), \(size) B"
                try LatencyPlot.svg(result.latency, title: title).write(toFile: plot, atomically: true, encoding: .utf8)
            }
            try? await Task.sleep(for: .milliseconds(300))
            try await group.shutdownGracefully()
            if !result.isClean { throw ExitCode(2) }
        }
    }

    /// `parley bench connections`: idle connections and the server's memory per connection.
    struct Connections: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open many idle connections and report the server's resident memory per connection.")

        @Option(help: "tcp://HOST:PORT or ws://HOST:PORT/parley (loopback only)") var endpoint = "tcp://127.0.0.1:7400"
        @Option(help: "With a ws:// endpoint: json or binary") var encoding = "binary"
        @Option(help: "Connections to open") var count = 10_000
        @Option(help: "Loopback source addresses 127.0.0.1…N (default: one per 20 000 connections)") var sources: Int?
        @Option(help: "Authenticate as agents with this key (hex) instead of anonymous visitors") var key: String?
        @Option(help: "The server's process id (default: the process listening on the endpoint's port)") var serverPid: Int32?
        @Option(help: "Seconds to hold the connections before measuring") var hold: Double = 3
        @Option(help: "Event loop threads of the load generator") var threads = System.coreCount
        @Option(help: "Write the result as JSON to this file") var json: String?

        func run() async throws {
            var options = ConnectionScaleRun.Options(
                endpoint: try BenchDefaults.endpoint(endpoint, encoding: encoding), count: count, sourceAddresses: sources,
                key: try key.map(BenchDefaults.key), serverPID: serverPid)
            options.holdSeconds = hold
            let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
            let bar = ProgressBar()
            let result = try await ConnectionScaleRun(options: options, group: group).run { bar.count($0, of: count) }
            bar.finish()
            let perConnection = result.bytesPerConnection.map { String(format: "%.0f B (%.2f KB)", $0, $0 / 1_024) } ?? "unknown (server process not found: --server-pid)"
            let mb = { (bytes: Int?) in bytes.map { String(format: "%.1f MB", Double($0) / 1_048_576) } ?? "?" }
            emit("""
                connections opened   \(result.opened) of \(count) in \(String(format: "%.1f", result.openSeconds)) s (\(options.sourceAddresses) source address(es))
                failed               \(result.failed)\(result.firstError.map { " (first: \($0))" } ?? "")
                server pid           \(result.serverPID.map(String.init) ?? "?")
                server RSS           \(mb(result.rssBefore)) → \(mb(result.rssAfter))
                per connection       \(perConnection)
                bench RSS            \(mb(result.benchRSS))
                """)
            if let json {
                let text = """
                    {"mode": "connections", "endpoint": "\(options.endpoint.description)", "requested": \(count), "opened": \(result.opened), \
                    "failed": \(result.failed), "openSeconds": \(result.openSeconds), "serverRSSBefore": \(result.rssBefore ?? -1), \
                    "serverRSSAfter": \(result.rssAfter ?? -1), "bytesPerConnection": \(result.bytesPerConnection ?? -1), "benchRSS": \(result.benchRSS ?? -1)}

                    """
                try text.write(toFile: json, atomically: true, encoding: .utf8)
            }
            try await group.shutdownGracefully()
        }
    }
}

extension ServerKind: ExpressibleByArgument {}
