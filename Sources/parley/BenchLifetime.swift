import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import ParleyBench
import ParleyClient

extension Bench {
    /// `parley bench repeat`: the same fan-out run several times against one server process,
    /// with the server's CPU per delivery and resident memory after each: a server whose state
    /// has a lifetime (CONV-34, ROUTE-17) shows flat figures.
    struct Repeat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Repeat one fan-out run against one server and report per run deliveries/s, server CPU per delivery and RSS.",
            discussion: """
                Give the server short lifetimes so that each run's state is gone before the next, e.g.
                  parley serve --key \(BenchDefaults.keyHex) --message-rate 1000000000 --message-burst 1000000 \\
                    --reopen-window-ms 1000 --disconnect-grace-ms 1000 --address-connections 0 \\
                    --address-handshakes-per-minute 0 --address-anonymous-per-hour 0 --address-conversations-per-hour 0
                """)

        @OptionGroup var fanout: Fanout
        @Option(help: "Runs") var runs = 10
        @Option(help: "Seconds to wait after each run (longer than the server's grace and reopen window)") var pause: Double = 5

        func run() async throws {
            let options = try fanout.options()
            // `--server-pid` is the fan-out's; here it defaults to the process listening on the port.
            guard let pid = fanout.serverPid ?? ProcessMemory.listener(port: options.endpoint.port) else {
                throw ValidationError("server process not found: --server-pid")
            }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, fanout.threads))
            emit("run  deliveries/s  server CPU s  CPU µs/delivery  server RSS after (MB)")
            var perDelivery: [Double] = []
            var resident: [Double] = []
            for index in 1...runs {
                let cpuBefore = ProcessCPU.seconds(pid: pid) ?? 0
                let result = try await FanoutRun(options: options, group: group).run()
                let cpu = (ProcessCPU.seconds(pid: pid) ?? 0) - cpuBefore
                try await Task.sleep(for: .seconds(pause))
                let rss = Double(ProcessMemory.residentBytes(pid: pid) ?? 0) / 1_048_576
                // Per measured (subscriber) delivery; hosts, visitors and publishers get a few more per publish.
                let microseconds = result.deliveries > 0 ? cpu * 1e6 / Double(result.deliveries) : 0
                perDelivery.append(microseconds)
                resident.append(rss)
                emit(String(format: "%3d  %12.0f  %12.2f  %15.3f  %21.1f%@", index, result.deliveriesPerSecond, cpu, microseconds, rss,
                            result.isClean ? "" : "  (not clean: lost, duplicated or refused deliveries)"))
            }
            emit(Self.spread("CPU per delivery", perDelivery) + "\n" + Self.spread("RSS", resident))
            try await group.shutdownGracefully()
        }

        /// The largest run's excess over the smallest, in percent of the smallest.
        static func spread(_ name: String, _ values: [Double]) -> String {
            guard let low = values.min(), let high = values.max(), low > 0 else { return "\(name): no figures" }
            return String(format: "%@: %.3f … %.3f (max %.1f %% above min)", name, low, high, (high - low) * 100 / low)
        }
    }

    /// `parley bench churn`: many conversations created and closed against one server, with
    /// its resident memory sampled as they go (CONV-34).
    struct Churn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create and close many conversations and report the server's resident memory along the way.",
            discussion: """
                Start the server with a short reopen window (its closed conversations leave memory after it)
                and without per-address limits, e.g.
                  parley serve --reopen-window-ms 1000 --address-connections 0 --address-handshakes-per-minute 0 \\
                    --address-anonymous-per-hour 0 --address-conversations-per-hour 0
                """)

        @Option(help: "tcp://HOST:PORT or ws://HOST:PORT/parley (loopback only)") var endpoint = "tcp://127.0.0.1:7400"
        @Option(help: "Conversations to create and close") var conversations = 100_000
        @Option(help: "Visitor connections working at once") var visitors = 50
        @Option(help: "Conversations between two memory samples") var sampleEvery = 10_000
        @Option(help: "The team to create in") var team = "support"
        @Option(help: "Seconds to wait at the end before the last sample (longer than the reopen window)") var settle: Double = 3
        @Option(help: "The server's process id (default: the process listening on the endpoint's port)") var serverPid: Int32?
        @Option(help: "Event loop threads of the load generator") var threads = System.coreCount

        func run() async throws {
            let endpoint = try BenchDefaults.endpoint(endpoint, encoding: "binary")
            let pid = serverPid ?? ProcessMemory.listener(port: endpoint.port)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
            let options = ChurnRun.Options(
                endpoint: endpoint, conversations: conversations, visitors: visitors, sampleEvery: sampleEvery, team: team, serverPID: pid)
            var samples = try await ChurnRun(options: options, group: group).run { done in
                FileHandle.standardError.write(Data("\r\(done) of \(conversations)".utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            try await Task.sleep(for: .seconds(settle))
            let last = samples.last!
            samples.append(ChurnRun.Sample(
                conversations: last.conversations, residentBytes: pid.flatMap(ProcessMemory.residentBytes(pid:)), seconds: last.seconds + settle))
            emit("conversations  server RSS (MB)  seconds")
            for sample in samples {
                let mb = sample.residentBytes.map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "?"
                emit(String(format: "%13d  %14@  %7.1f", sample.conversations, mb, sample.seconds))
            }
            try await group.shutdownGracefully()
        }
    }
}
