import ParleyClient
import ParleyTransport
import ParleyWire
import Synchronization

/// A real server as a ``ScenarioEndpoint``: one `ClientConnection` per scenario client, over
/// the byte stream or WebSocket (JSON or binary), on the wall clock.
public struct LiveEndpoint: ScenarioEndpoint {
    /// Where the server listens.
    public let endpoint: Endpoint
    private var connections: [String: LiveConnection] = [:]

    /// An endpoint for `endpoint`; nothing connects until a scenario says so.
    public init(endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    public var capabilities: Set<String> {
        switch endpoint.binding {
        case .stream, .inProcess: ["binding:stream", "binding:binary"]
        case .webSocketJSON: ["binding:json", "binding:websocket"]
        case .webSocketBinary: ["binding:binary", "binding:websocket"]
        }
    }

    public mutating func connect(_ client: String, answeringPings: Bool, offeringDeflate: Bool) async throws -> Bool {
        connections.removeValue(forKey: client)?.connection.close()
        var target = endpoint
        target.offersPerMessageDeflate = offeringDeflate
        let connection = try await ClientConnection.connect(to: target)
        connections[client] = LiveConnection(connection, answeringPings: answeringPings)
        return !offeringDeflate || connection.perMessageDeflate
    }

    public mutating func disconnect(_ client: String) async {
        connections.removeValue(forKey: client)?.connection.close()
    }

    public mutating func send(_ message: Message, from client: String) async {
        connections[client]?.connection.send(message)
    }

    public mutating func sendCompressed(_ message: Message, from client: String) async -> Bool {
        connections[client]?.connection.sendCompressed(message) ?? false
    }

    public mutating func send(_ input: RawInput, from client: String) async -> Bool {
        let connection = connections[client]?.connection
        switch (input, endpoint.binding) {
        case (.stream(let bytes), .stream), (.stream(let bytes), .inProcess):
            connection?.sendRaw(bytes)
        case (.payload(let payload), .stream), (.payload(let payload), .inProcess):
            connection?.sendRaw(Self.frame(payload))
        case (.payload(let payload), .webSocketBinary), (.payload(let payload), .webSocketJSON):
            connection?.sendWebSocket(text: false, payload)
        case (.text(let bytes), .webSocketJSON), (.text(let bytes), .webSocketBinary):
            connection?.sendWebSocket(text: true, bytes)
        case (.deflated(let bytes), .webSocketJSON), (.deflated(let bytes), .webSocketBinary):
            return connection?.sendDeflated(bytes) ?? false
        case (.stream, _), (.payload, _), (.text, _), (.deflated, _):
            return false
        }
        return true
    }

    public mutating func next(for client: String, withinMs: UInt64) async -> EndpointOutput? {
        guard let connection = connections[client] else { return nil }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(withinMs))
        while true {
            if let output = connection.take() { return output }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    public var clockMs: UInt64 {
        let elapsed = ContinuousClock.now - Self.origin
        return UInt64(elapsed.components.seconds) * 1000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    private static let origin = ContinuousClock.now

    public mutating func advance(milliseconds: UInt64) async {
        try? await Task.sleep(for: .milliseconds(milliseconds))
    }

    public mutating func closeAll() async {
        for connection in connections.values { connection.connection.close() }
        connections.removeAll()
    }

    public mutating func upgrade(protocols: String?, extensions: [String], origin: String?) async -> [UInt8]? {
        guard endpoint.binding == .webSocketJSON || endpoint.binding == .webSocketBinary else { return nil }
        var head = "GET \(endpoint.path) HTTP/1.1\r\nHost: \(endpoint.host):\(endpoint.port)\r\nUpgrade: websocket\r\n"
        head += "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let protocols { head += "Sec-WebSocket-Protocol: \(protocols)\r\n" }
        for field in extensions { head += "Sec-WebSocket-Extensions: \(field)\r\n" }
        if let origin { head += "Origin: \(origin)\r\n" }
        head += "\r\n"
        return (try? await RawHTTPExchange.send(Array(head.utf8), host: endpoint.host, port: endpoint.port)) ?? []
    }

    public func webSocketCloseStatus(for client: String) -> UInt16? {
        connections[client]?.connection.webSocketCloseStatus
    }

    /// A MESSAGE frame (FRAME-1) around `payload`, whatever the payload holds.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0x01, 0x00]
        var length = payload.count
        repeat {
            let low = UInt8(length & 0x7f)
            length >>= 7
            bytes.append(length == 0 ? low : low | 0x80)
        } while length > 0
        return bytes + payload
    }
}

/// One client connection and what it has received but the scenario has not looked at yet.
final class LiveConnection: Sendable {
    let connection: ClientConnection
    private let inbox = Inbox()

    init(_ connection: ClientConnection, answeringPings: Bool) {
        self.connection = connection
        let inbox = self.inbox
        Task {
            for await event in connection.events {
                if answeringPings, case .message(.ping(let ping)) = event { connection.send(.pong(Wire.Pong(nonce: ping.nonce))) }
                let output: EndpointOutput = switch event {
                case .message(let message): .message(message)
                case .undecodable(let error): .undecodable("\(error)")
                case .closed: .closed
                }
                inbox.queue.withLock { $0.append(output) }
            }
        }
    }

    /// The oldest output not yet taken; the close stays once reached.
    func take() -> EndpointOutput? {
        inbox.queue.withLock { queue in
            guard let first = queue.first else { return nil }
            if case .closed = first { return first }
            queue.removeFirst()
            return first
        }
    }
}

/// The outputs a connection received, shared between its reading task and the scenario.
final class Inbox: Sendable {
    let queue = Mutex<[EndpointOutput]>([])
}
