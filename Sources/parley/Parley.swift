import ArgumentParser
import Foundation

/// `parley`: the reference server, a terminal chat client, and the tools around them.
@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley: a live-chat protocol core, its reference server and tools.",
        subcommands: [Serve.self, Chat.self, Token.self, Conformance.self, Simulate.self, Bench.self]
    )
}

/// Writes a line to standard output at once (unbuffered), so piped output (logs, tests, tmux)
/// appears immediately. It does not go through C's `stdout` buffer: flushing it with
/// `fflush(nil)` also locks `stdin`, which `parley chat`'s reader thread holds while it waits
/// for a line, so nothing printed until the user pressed Enter.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
