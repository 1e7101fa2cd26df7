import ParleyServer
import Vapor

/// The Parley server's part in the app's lifecycle: it recovers what its store kept before the
/// app serves (STORE-6), and says goodbye to every client (`SERVER_SHUTDOWN`, with a reconnect
/// delay) when the app shuts down, while their connections are still open.
///
/// ```swift
/// app.lifecycle.use(ParleyLifecycle(server: server))
/// ```
///
/// Recovery runs on the app's asynchronous boot (`Application.execute()`, `startup()`,
/// `run()`); the synchronous `boot()` of Vapor's in-memory testers skips it.
public struct ParleyLifecycle: LifecycleHandler {
    /// The server to recover and shut down.
    public let server: ParleyServer
    /// How long clients are told to wait before reconnecting after the shutdown.
    public var reconnectAfterMs: UInt64

    /// A lifecycle handler for `server`; clients reconnect `reconnectAfterMs` after a shutdown.
    public init(server: ParleyServer, reconnectAfterMs: UInt64 = 1_000) {
        self.server = server
        self.reconnectAfterMs = reconnectAfterMs
    }

    /// Recovers the server from its store before the app accepts connections.
    /// - Throws: the store's error: the app does not start then.
    public func willBootAsync(_ application: Application) async throws {
        try await server.recover()
    }

    /// Says goodbye to every client (`SERVER_SHUTDOWN`); runs before the HTTP server stops.
    public func shutdownAsync(_ application: Application) async {
        server.shutdown(reconnectAfterMs: reconnectAfterMs)
    }

    /// Says goodbye to every client (`SERVER_SHUTDOWN`), for the synchronous shutdown.
    public func shutdown(_ application: Application) {
        server.shutdown(reconnectAfterMs: reconnectAfterMs)
    }
}
