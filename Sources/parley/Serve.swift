import ArgumentParser
import Logging
import ParleyCore
import ParleyNIO
import ParleyServer
import ServiceLifecycle

/// `parley serve`: the in-memory reference server on localhost.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the in-memory reference server (TCP and WebSocket) on localhost.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "parley")
        let configuration = try options.serverConfiguration()
        let server = ParleyServer(configuration: configuration)
        let transport = ParleyNIOServer(acceptor: server, endpoints: ServerEndpoints(server: server), configuration: options.transportConfiguration(configuration))
        let (stream, http) = try await transport.start()
        let token = server.mintToken(TokenClaims(
            user: "agent-1", role: .agent, teams: configuration.teams, expiresAt: WallClock.now().adding(milliseconds: 86_400_000)))!
        let tcp = "tcp://\(stream.ipAddress ?? "127.0.0.1"):\(stream.port ?? 0)"
        let ws = "ws://\(http.ipAddress ?? "127.0.0.1"):\(http.port ?? 0)/parley"
        emit("""
            Parley reference server (in-memory), teams: \(configuration.teams.joined(separator: ", "))
              byte stream:  \(tcp)
              WebSocket:    \(ws)   (subprotocols parley.v1.json, parley.v1.binary)
              health:       http://\(http.ipAddress ?? "127.0.0.1"):\(http.port ?? 0)/healthz  /readyz  /metrics

            Development agent token (agent-1, valid 24 h):
              \(token)

            Try it:
              swift run parley chat --as agent --endpoint \(tcp) --token \(token)
              swift run parley chat --as visitor --endpoint \(tcp)
            """)
        logger.info("listening", metadata: ["tcp": "\(tcp)", "ws": "\(ws)"])
        let service = ServerService(server: server, transport: transport, logger: logger)
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

/// Keeps the server up until a graceful shutdown, then tells clients to reconnect
/// (SERVER_SHUTDOWN, SESSION-35) and closes the listeners.
struct ServerService: Service {
    let server: ParleyServer
    let transport: ParleyNIOServer
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down: telling \(server.connectionCount) connections to reconnect")
        server.shutdown(reconnectAfterMs: 1_000)
        try await Task.sleep(for: .milliseconds(200))
        try await transport.shutdown()
    }
}

/// `/readyz` and `/metrics` answered from the server's state.
struct ServerEndpoints: HTTPEndpoints {
    let server: ParleyServer

    var isReady: Bool { server.isReady }

    func metricsText() -> String {
        """
        # HELP parley_connections Open client connections.
        # TYPE parley_connections gauge
        parley_connections \(server.connectionCount)

        """
    }
}
