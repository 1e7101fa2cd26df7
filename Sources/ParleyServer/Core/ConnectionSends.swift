import ParleyCore
import ParleyTransport
import ParleyWire

/// What a ``SessionShard`` writes to its connections, collected over one input: messages per
/// connection in order (so each connection gets one coalesced write), and closes after them.
struct ConnectionSends: Sendable {
    /// Each connection's position in `batches`: one hash lookup per message sent.
    private var slots: [ConnectionID: Int] = [:]
    private var batches: [(ConnectionID, [Outbound])] = []
    private var closes: [(ConnectionID, ErrorCode)] = []

    mutating func send(_ message: Outbound, to id: ConnectionID) {
        if let slot = slots[id] {
            batches[slot].1.append(message)
        } else {
            slots[id] = batches.count
            batches.append((id, [message]))
        }
    }

    mutating func close(_ id: ConnectionID, _ code: ErrorCode) {
        closes.append((id, code))
    }

    /// The sends, then the closes, emptying the collector.
    mutating func take() -> [ServerOutput] {
        defer {
            slots.removeAll()
            batches.removeAll()
            closes.removeAll()
        }
        return batches.map { ServerOutput.send($0.0, $0.1) } + closes.map { ServerOutput.close($0.0, $0.1) }
    }
}
