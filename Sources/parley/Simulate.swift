import ArgumentParser
import ParleySimulation

/// `parley simulate`: runs the reference server's core with simulated clients, network and
/// clock from one seed, checking the invariants of Spec/simulation.md after every step.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the deterministic simulation for one seed (or a range of seeds).",
        discussion: """
            Prints a summary; on a broken invariant, prints it with the trace that led to it and exits 1.
            The same seed always replays the same run.
            """)

    @Option(help: "The seed") var seed: UInt64 = 1
    @Option(help: "Steps per seed") var steps = 10_000
    @Option(help: "Simulated users (about one agent for three visitors)") var clients = 8
    @Option(help: "Run this many consecutive seeds starting at --seed") var seeds = 1
    @Option(help: "The longest the authenticator takes to answer a hello, in ms (answers arrive out of order)")
    var authDelayMs: UInt64 = 0
    @Option(help: "The longest the store takes to confirm a write, in ms (confirmations arrive out of order)")
    var persistDelayMs: UInt64 = 0
    @Option(help: "The chance, in percent, that a write fails (the host writes it again)")
    var persistFailurePercent: UInt64 = 0
    @Option(help: "When both the server's session shard's and hub's mailboxes hold inputs, the chance, in percent, that the hub's runs next")
    var hubFirstPercent = 50
    @Option(help: "After each server input, the chance, in percent, that what it caused stays queued a while longer")
    var mailboxPausePercent = 30
    @Flag(help: "Print the whole trace of the (last) seed") var trace = false

    func run() throws {
        var total = SimulationStatistics()
        for seed in seed..<(seed &+ UInt64(max(seeds, 1))) {
            var configuration = SimulationConfiguration(seed: seed, steps: steps, clients: clients)
            configuration.authenticationDelayMs = authDelayMs
            configuration.persistDelayMs = persistDelayMs
            configuration.persistFailurePercent = min(persistFailurePercent, 100)
            configuration.hubFirstPercent = min(max(hubFirstPercent, 0), 100)
            configuration.mailboxPausePercent = min(max(mailboxPausePercent, 0), 100)
            if trace {
                var traced = configuration
                traced.traceCapacity = Int.max / 2
                var simulation = Simulation(configuration: traced, traced: true)
                simulation.run()
                for line in simulation.trace.recent { emit(line) }
            }
            let report = Simulation.check(configuration)
            total.add(report.statistics)
            if let violation = report.violation {
                for line in report.trace { emit(line) }
                emit("seed \(seed): INVARIANT BROKEN \(violation)")
                emit("seed \(seed): \(report.statistics.summary)")
                throw ExitCode(1)
            }
        }
        emit(seeds > 1 ? "seeds \(seed)..<\(seed &+ UInt64(seeds)): ok" : "seed \(seed): ok")
        emit(total.summary)
    }
}
