import Dispatch
import ParleyCore
import ParleyTransport
import ParleyWire
import Synchronization

/// A connection to a server in the same process (any `ConnectionAcceptor`, such as a
/// `ParleyServer`), with no sockets and no encoding:
/// messages are handed over as values. For embedding (a bot or a test living next to the
/// server) and for tests; it speaks the same protocol as the network bindings.
///
/// The callbacks run while the server holds its lock: they must not call ``send(_:)``
/// synchronously (hand the message to a task or queue first, as ``ParleyClient`` does).
///
/// ```swift
/// let connection = InProcessConnection.connect(to: server, onMessage: { print($0) }, onClose: {})
/// connection.send(.hello(.init(rid: 1, versions: [1], auth: .init(scheme: "anonymous"))))
/// ```
public final class InProcessConnection: ConnectionTransport {
    private let onMessage: @Sendable (Message) -> Void
    private let onClose: @Sendable () -> Void
    private let inbound = Mutex<(any InboundConnection)?>(nil)
    private let open = Mutex(true)

    private init(onMessage: @escaping @Sendable (Message) -> Void, onClose: @escaping @Sendable () -> Void) {
        self.onMessage = onMessage
        self.onClose = onClose
    }

    /// Opens a connection to `server` as if from `address` (loopback unless a test needs
    /// another); `onMessage` receives what the server sends, in order, and `onClose` is called
    /// once when the server closes the connection.
    public static func connect(
        to server: any ConnectionAcceptor, from address: SourceAddress = .loopback,
        onMessage: @escaping @Sendable (Message) -> Void, onClose: @escaping @Sendable () -> Void
    ) -> InProcessConnection {
        let connection = InProcessConnection(onMessage: onMessage, onClose: onClose)
        let inbound = server.accept(connection, profile: ConnectionProfile(binding: .inProcess), from: address)
        connection.inbound.withTSanVisibleLock { $0 = inbound }
        return connection
    }

    /// Sends a message to the server.
    public func send(_ message: Message) {
        guard open.withTSanVisibleLock({ $0 }), let inbound = inbound.withTSanVisibleLock({ $0 }) else { return }
        inbound.receive(message)
    }

    /// Drops the connection from the client side (no goodbye), as a network failure would.
    public func disconnect() {
        guard let inbound = inbound.withTSanVisibleLock({ connection in defer { connection = nil }; return connection }) else { return }
        inbound.transportClosed()
        finish()
    }

    /// Hands each item to `onMessage` as a value.
    public func write(_ items: [Outbound]) {
        guard open.withTSanVisibleLock({ $0 }) else { return }
        for item in items { onMessage(item.message) }
    }

    /// Closes from the server side: `onClose` runs, then the server learns that the transport
    /// closed.
    public func close(reason: ErrorCode?) {
        let inbound = self.inbound.withTSanVisibleLock { connection in defer { connection = nil }; return connection }
        finish()
        // The server calls this under its lock: report the closed transport afterwards, as a
        // socket's close would arrive.
        if let inbound { DispatchQueue.global().async { inbound.transportClosed() } }
    }

    /// Nothing to pause: the server hands messages over directly.
    public func setReading(_ enabled: Bool) {}

    private func finish() {
        let wasOpen = open.withTSanVisibleLock { open in defer { open = false }; return open }
        if wasOpen { onClose() }
    }
}
