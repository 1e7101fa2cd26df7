import ArgumentParser
import Foundation
import Logging
import ParleyHummingbird
import ParleyServer
import ParleySQLite

/// `shop`: runs the shop with its chat until Ctrl-C (or SIGTERM), then shuts down gracefully:
/// chat clients are told to reconnect later, and both databases are closed.
@main
struct ShopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop", abstract: "A small shop with its own login, and Parley's live chat behind it.")

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port).")
    var port = 8080

    @Option(help: "The folder of the shop's database (shop.sqlite) and the chat's (parley.sqlite, parley.key); created and seeded on first start.")
    var data = "shop-data"

    func run() async throws {
        var logger = Logger(label: "shop")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let folder = data
        let database = try ShopDatabase(path: folder + "/shop.sqlite")
        // Parley's own data, apart from the shop's: its conversations survive restarts.
        let store = try SQLiteStore(path: folder + "/parley.sqlite")
        defer { try? store.close() }
        var configuration = ServerConfiguration(key: try ParleyKey.load(from: folder), teams: ["support"])
        configuration.instance = String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })  // new every run (STORE-6)
        let chat = ParleyChat(server: ParleyServer(configuration: configuration, store: store))
        let host = host
        let app = ShopApp.build(database: database, chat: chat, host: host, port: port, logger: logger) { port in
            Self.welcome(url: "http://\(host):\(port)", data: folder)
        }
        try await app.runService()
    }

    /// What is printed once the shop listens: where it is, and who can log in.
    static func welcome(url: String, data: String) {
        let width = SeedData.accounts.map(\.email.count).max() ?? 0
        let logins = SeedData.accounts.map { account in
            "  \(account.email.padding(toLength: width, withPad: " ", startingAt: 0))  \(account.password.padding(toLength: 11, withPad: " ", startingAt: 0))  \(account.name), \(account.role.rawValue)"
        }
        // Unbuffered, so it shows at once when the output is a pipe or a file.
        FileHandle.standardOutput.write(Data("""
            Oak & Ink, a shop with Parley's live chat: \(url)
              data: \(data)/shop.sqlite (the shop), \(data)/parley.sqlite (the chat)
            Log in as (e-mail, password):
            \(logins.joined(separator: "\n"))
            Customers see their orders and the chat widget; staff get a link to the support console.

            """.utf8))
    }
}
