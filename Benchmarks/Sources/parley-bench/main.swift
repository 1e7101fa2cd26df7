/// `parley-bench [suite …]`: runs the named suites, or all of them.
let suites: [any BenchSuite] = [
    WireBench(),
    CompressionBench(),
    FanOutBench(),
    CodecBench(),
    RoutingBench(),
    PresenceBench(),
    ArchiveBench(),
    ObserverBench(),
    StoreBench(),
]

let wanted = Set(CommandLine.arguments.dropFirst())
for suite in suites where wanted.isEmpty || wanted.contains(suite.name) {
    suite.run()
}
