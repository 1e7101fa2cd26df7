import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import ParleyBench
import ParleyClient

extension Bench {
    /// `parley bench compare`: the fan-out cases against Redis, NATS and Parley on this machine,
    /// each run against a fresh server started for it on a free loopback port, and a markdown
    /// table of the figures side by side.
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the same fan-out cases against Redis, NATS and Parley and print their figures side by side (markdown).",
            discussion: """
                Starts each server itself, one run at a time, on a free port of 127.0.0.1: redis-server --save '' \\
                --appendonly no, nats-server, and this binary's `parley serve` (in-memory store, raised limits),
                and stops it after the run. Every case publishes for --duration; with --repeats N each figure is
                the median of N runs. Progress goes to standard error, the table to standard output.
                """)

        @Option(help: "Publishing time of each run: 5s, 500ms, 1m") var duration = "5s"
        @Option(help: "Runs of each case on each server; a figure is their median") var repeats = 1
        @Option(help: "The servers to run, comma-separated") var servers = "redis,nats,parley"
        @Option(help: "redis-server to start (default: found on PATH or in /usr/bin, /usr/sbin)") var redisServer: String?
        @Option(help: "nats-server to start (default: found on PATH or in /usr/bin, /usr/sbin)") var natsServer: String?
        @Option(help: "parley binary to start with `serve` (default: this one)") var parley: String?
        @Option(help: "Event loop threads of the load generator") var threads = System.coreCount

        func run() async throws {
            let seconds = try BenchDefaults.seconds(duration)
            let kinds = try servers.split(separator: ",").map { name in
                guard let kind = ServerKind(rawValue: String(name)) else { throw ValidationError("unknown server \(name) in --servers") }
                return kind
            }
            let executables = try Dictionary(uniqueKeysWithValues: kinds.map { ($0, try executable(of: $0)) })
            let key = try BenchDefaults.key(BenchDefaults.keyHex)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
            var results: [FanoutComparison.Case: [ServerKind: [FanoutResult]]] = [:]
            for source in FanoutComparison.cases {
                for round in 1...max(1, repeats) {
                    for kind in kinds {
                        let server = try await LocalServer.start(
                            kind, executable: executables[kind]!, port: try LocalServer.freePort(), httpPort: try LocalServer.freePort(),
                            keyHex: BenchDefaults.keyHex)
                        var options = source.options(
                            server: kind, endpoint: Endpoint(binding: .stream, host: "127.0.0.1", port: server.port), key: key, duration: seconds)
                        options.serverPID = server.pid
                        let result: FanoutResult
                        do {
                            result = try await FanoutRun(options: options, group: group).run()
                        } catch {
                            await server.stop()
                            throw error
                        }
                        await server.stop()
                        results[source, default: [:]][kind, default: []].append(result)
                        report(source, round, kind, result)
                    }
                }
            }
            try await group.shutdownGracefully()
            let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
            emit(FanoutComparison.table(results))
            emit("\n\(repeats > 1 ? "Medians of \(repeats) runs" : "One run") of \(FanoutResult.fixed(seconds, 1)) s per case and server; load average at the end: \(load).")
        }

        private func executable(of kind: ServerKind) throws -> String {
            let path: String? = switch kind {
            case .redis: redisServer ?? LocalServer.executable(named: "redis-server")
            case .nats: natsServer ?? LocalServer.executable(named: "nats-server")
            case .parley: parley ?? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            }
            guard let path else { throw ValidationError("\(kind) server not found: give its path (--\(kind.rawValue)\(kind == .parley ? "" : "-server")) or --servers without it") }
            return path
        }

        private func report(_ source: FanoutComparison.Case, _ round: Int, _ kind: ServerKind, _ result: FanoutResult) {
            let cpu = result.serverCPUPerDelivery.map { ", \(FanoutResult.fixed($0, 2)) µs CPU/delivery" } ?? ""
            let line = "\(source.name) #\(round) \(kind): \(Int(result.deliveriesPerSecond)) deliveries/s, p99 \(FanoutResult.fixed(result.millis(99), 1)) ms\(cpu), "
                + "\(FanoutResult.fixed(result.deliveriesPerRead, 1)) per read, subscribers set up in \(FanoutResult.fixed(result.subscriberSetupSeconds, 2)) s"
                + (result.isClean ? "" : " — NOT CLEAN")
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
