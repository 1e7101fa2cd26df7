import ArgumentParser
import Foundation

/// `parley`: the reference server, a terminal chat client, and the tools around them.
@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley: a live-chat protocol core, its reference server and tools.",
        subcommands: [Serve.self, Chat.self, Conformance.self, Simulate.self, Bench.self]
    )
}

/// Prints a line and flushes at once, so piped output (logs, tests, tmux) appears immediately.
func emit(_ line: String) {
    print(line)
    fflush(nil)
}
