import ParleyConformance
import ParleyCore
import ParleyWire

/// Test code: the ``InMemoryServer`` as a ``ScenarioEndpoint`` with simulated time, so the
/// Spec's session scenarios run against ``ServerSession`` in unit tests.
struct InMemoryEndpoint: ScenarioEndpoint {
    var server = InMemoryServer()
    var now = Instant(milliseconds: 1_700_000_000_000)
    private var connections: [String: ConnectionID] = [:]
    private var pending: [String: [Message]] = [:]

    var capabilities: Set<String> { ["testHost"] }

    mutating func connect(_ client: String) {
        connections[client] = server.open(now: now)
        pending[client] = []
    }

    mutating func disconnect(_ client: String) {
        guard let id = connections.removeValue(forKey: client) else { return }
        server.drop(id, now: now)
    }

    mutating func send(_ message: Message, from client: String) {
        guard let id = connections[client] else { return }
        server.receive(message, on: id, now: now)
    }

    /// Messages are handed over as values: there are no bytes to get wrong.
    mutating func send(_ input: RawInput, from client: String) -> Bool { false }

    mutating func closeAll() {
        for client in connections.keys.sorted() { disconnect(client) }
    }

    /// Messages are available at once; `withinMs` is not waited for (the server only acts on
    /// input or `advance`).
    mutating func next(for client: String, withinMs: UInt64) -> EndpointOutput? {
        guard let id = connections[client] else { return nil }
        pending[client, default: []].append(contentsOf: server.take(id))
        if let first = pending[client]?.first {
            pending[client]?.removeFirst()
            return .message(first)
        }
        return server.isOpen(id) ? nil : .closed
    }

    mutating func advance(milliseconds: UInt64) {
        now = now.adding(milliseconds: milliseconds)
        server.advance(to: now)
    }
}
