import Foundation
import ArgumentParser
import Logging
import ParleyClock
import ParleyCore
import ParleyNIO
import ParleyWeb
import ParleyServer
import Prometheus
import ServiceLifecycle

/// `parley serve`: the reference server on localhost, keeping its data in SQLite by default.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the reference server (TCP and WebSocket) on localhost; its data is kept in ./parley-data/parley.sqlite unless --store says otherwise.")

    @OptionGroup var options: ServerOptions
    @OptionGroup var storage: StoreOptions

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "parley")
        var configuration = try options.serverConfiguration()
        let choice = try storage.choice()
        let retention = try storage.retention()
        if case .memory = choice {} else if !options.keyGiven { configuration.key = try storage.persistentKey() }
        // Anonymous visitor ids and session ids are minted from the instance name: a new one per run (STORE-6).
        configuration.instance = String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        let opened = try await OpenedStore.open(choice, logger: logger)
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Live-chat service times run from seconds to many minutes (DESIGN: 57 s average first answer).
        let serviceBuckets: [Duration] = [1, 5, 10, 20, 30, 60, 120, 300, 600, 1_800, 3_600].map { .seconds($0) }
        for label in ["parley_queue_wait_seconds", "parley_first_response_seconds", "parley_conversation_duration_seconds"] {
            factory.durationHistogramBuckets[label] = serviceBuckets
        }
        let server = ParleyServer(configuration: configuration, store: opened.store, metrics: factory)
        let recovery = try await server.recover()
        let token = server.mintToken(TokenClaims(
            user: "agent-1", role: .agent, teams: configuration.teams, expiresAt: WallClock.now().adding(milliseconds: 86_400_000)))!
        let transportConfiguration = try options.transportConfiguration(configuration)
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(transportConfiguration.host)
        let transport = ParleyNIOServer(
            acceptor: server, endpoints: ServerEndpoints(
                server: server, registry: registry, webRoot: options.webRoot ?? ProcessInfo.processInfo.environment["PARLEY_WEB_ROOT"],
                devToken: loopback ? token : nil),
            configuration: transportConfiguration)
        let (stream, http) = try await transport.start()
        let tcp = "tcp://\(stream.ipAddress ?? "127.0.0.1"):\(stream.port ?? 0)"
        let secure = transportConfiguration.tls != nil
        let ws = "\(secure ? "wss" : "ws")://\(http.ipAddress ?? "127.0.0.1"):\(http.port ?? 0)/parley"
        let site = "\(secure ? "https" : "http")://\(http.ipAddress ?? "127.0.0.1"):\(http.port ?? 0)"
        emit("""
            Parley reference server, teams: \(configuration.teams.joined(separator: ", "))
              data:         \(opened.description)
              recovered:    \(recovery.conversations) conversations (\(recovery.waiting) waiting, \(recovery.active) with an agent), \(recovery.events) events\(retention.map { "\n  retention:    archived conversations are removed \($0) days after they end" } ?? "")
              byte stream:  \(tcp)\(secure ? "   (TLS)" : "")
              WebSocket:    \(ws)   (subprotocols parley.v1.json, parley.v1.binary)
              health:       \(site)/healthz  /readyz  /metrics

            Development agent token (agent-1, valid 24 h):
              \(token)

            Try it in a browser:
              \(site)/          a demo shop with the chat widget (be the visitor)
              \(site)/console   the agent console (sign in with the token above)
            or in terminals:
              swift run parley chat --as agent --endpoint \(tcp) --token \(token)
              swift run parley chat --as visitor --endpoint \(tcp)
            """)
        logger.info("listening", metadata: ["tcp": "\(tcp)", "ws": "\(ws)"])
        let service = ServerService(server: server, transport: transport, logger: logger)
        var services: [any Service] = [service]
        if let retention { services.append(RetentionService(server: server, days: retention, logger: logger)) }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        try await opened.close()
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

/// `/readyz` from the server's state and `/metrics` from its Prometheus registry.
struct ServerEndpoints: HTTPEndpoints {
    let server: ParleyServer
    let registry: PrometheusCollectorRegistry

    var isReady: Bool { server.isReady }

    func metricsText() -> String { registry.emitToString() }

    /// With `--web-root`, files are read from that folder on every request (editing the
    /// widget needs no rebuild); otherwise the copies built into the binary.
    let webRoot: String?

    /// The development agent token printed at start-up, offered to the console at
    /// `/console/dev-token` only while the server listens on loopback (every peer is local).
    let devToken: String?

    func asset(at path: String) -> HTTPAsset? {
        if path == "/console/dev-token" {
            return devToken.map { HTTPAsset(contentType: "text/plain; charset=utf-8", body: Array($0.utf8)) }
        }
        if let webRoot {
            guard let name = WebAssets.file(atRoute: path), let type = WebAssets.contentType(ofFile: name),
                  let data = FileManager.default.contents(atPath: webRoot + "/" + name) else { return nil }
            return HTTPAsset(contentType: type, body: Array(data))
        }
        return WebAssets.asset(at: path).map { HTTPAsset(contentType: $0.contentType, body: Array($0.text.utf8)) }
    }
}
