/// One group of benchmarks, selected on the command line by `name`.
protocol BenchSuite {
    /// The command-line name, e.g. `wire` or `fanout`.
    var name: String { get }
    /// Runs every benchmark of the suite and prints its report.
    func run()
}
