import ArgumentParser

/// `parley`: the reference server, a terminal chat client, and the tools around them.
@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley: a live-chat protocol core, its reference server and tools.",
        subcommands: []
    )
}
