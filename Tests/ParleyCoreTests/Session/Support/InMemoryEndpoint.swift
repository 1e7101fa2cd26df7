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
    /// Clients that answer pings at once, as live clients do.
    private var answering: Set<String> = []

    var capabilities: Set<String> { ["testHost"] }

    var clockMs: UInt64 { now.rawValue }

    /// There is no WebSocket side: an offer of permessage-deflate is not negotiated.
    mutating func connect(_ client: String, answeringPings: Bool, offeringDeflate: Bool) -> Bool {
        connections[client] = server.open(now: now)
        pending[client] = []
        if answeringPings { answering.insert(client) } else { answering.remove(client) }
        return !offeringDeflate
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

    /// What the server has sent is available at once; while there is nothing, simulated
    /// time moves on in steps of 100 ms, up to `withinMs`, as it would on a real clock (the
    /// server acts on input or on its timers).
    mutating func next(for client: String, withinMs: UInt64) -> EndpointOutput? {
        guard let id = connections[client] else { return nil }
        var waited: UInt64 = 0
        while true {
            pending[client, default: []].append(contentsOf: server.take(id))
            if let first = pending[client]?.first {
                pending[client]?.removeFirst()
                return .message(first)
            }
            if !server.isOpen(id) { return .closed }
            guard waited < withinMs else { return nil }
            let step = min(100, withinMs - waited)
            advance(milliseconds: step)
            waited += step
        }
    }

    /// Moves simulated time on in steps of 100 ms, so the server's timers fire at their time
    /// and clients answer its pings in between.
    mutating func advance(milliseconds: UInt64) {
        var left = milliseconds
        while left > 0 {
            let step = min(left, 100)
            now = now.adding(milliseconds: step)
            server.advance(to: now)
            left -= step
            answerPings()
        }
    }

    /// Moves what the server sent to `pending`, answering pings for the clients that do.
    private mutating func answerPings() {
        for (client, id) in connections.sorted(by: { $0.key < $1.key }) {
            let sent = server.take(id)
            pending[client, default: []].append(contentsOf: sent)
            guard answering.contains(client) else { continue }
            for case .ping(let ping) in sent { server.receive(.pong(Wire.Pong(nonce: ping.nonce)), on: id, now: now) }
        }
    }
}
