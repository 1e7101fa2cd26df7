import ParleyConformance
import ParleyCore
import ParleyServer
import ParleyWire

/// Test code: a ``ServerCore`` (driven by a ``CoreDriver``) as a ``ScenarioEndpoint`` with
/// simulated time, so the Spec's session scenarios run against the reference server's core,
/// live-chat application included, in unit tests.
struct CoreEndpoint: ScenarioEndpoint {
    var driver = CoreDriver()
    private var connections: [String: ConnectionID] = [:]
    /// What each client's connection received and the scenario has not read yet.
    private var pending: [String: [Message]] = [:]

    var capabilities: Set<String> { ["testHost"] }

    var clockMs: UInt64 { driver.now.rawValue }

    /// There is no WebSocket side: an offer of permessage-deflate is not negotiated.
    mutating func connect(_ client: String, answeringPings: Bool, offeringDeflate: Bool) -> Bool {
        let id = driver.open()
        connections[client] = id
        pending[client] = []
        if answeringPings { driver.answeringPings.insert(id) }
        return !offeringDeflate
    }

    mutating func disconnect(_ client: String) {
        guard let id = connections.removeValue(forKey: client) else { return }
        driver.answeringPings.remove(id)
        driver.drop(id)
    }

    mutating func send(_ message: Message, from client: String) {
        guard let id = connections[client] else { return }
        driver.send(message, on: id)
    }

    /// Messages are handed over as values: there are no bytes to get wrong.
    mutating func send(_ input: RawInput, from client: String) -> Bool { false }

    mutating func closeAll() {
        for client in connections.keys.sorted() { disconnect(client) }
    }

    /// What the server has sent is available at once; while there is nothing, simulated time
    /// moves on in steps of 100 ms, up to `withinMs` (the server acts on input or on its timers).
    mutating func next(for client: String, withinMs: UInt64) -> EndpointOutput? {
        guard let id = connections[client] else { return nil }
        var waited: UInt64 = 0
        while true {
            pending[client, default: []] += driver.take(id)
            if let first = pending[client]?.first {
                pending[client]?.removeFirst()
                return .message(first)
            }
            if driver.closed[id] != nil { return .closed }
            guard waited < withinMs else { return nil }
            let step = min(100, withinMs - waited)
            advance(milliseconds: step)
            waited += step
        }
    }

    /// Moves simulated time on; the server's timers fire at their time, and clients that answer
    /// pings answer them as they arrive.
    mutating func advance(milliseconds: UInt64) {
        driver.advance(by: milliseconds)
    }
}
