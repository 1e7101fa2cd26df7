import ParleyCore
import ParleyTransport
import ParleyWire

/// Collects the outputs of one input: messages per connection in order (so each connection
/// gets one coalesced write) and closes after them, and its durable changes (one batch).
struct PendingOutput: Sendable {
    /// Each connection's position in `batches`: one hash lookup per message sent.
    private var slots: [ConnectionID: Int] = [:]
    private var batches: [(ConnectionID, [Outbound])] = []
    private var closes: [(ConnectionID, ErrorCode)] = []
    private var measures: [ServiceMeasure] = []
    private var authentications: [(ConnectionID, Wire.Auth)] = []
    private var loads: [LoadRequest] = []
    private var changes: [DurableChange] = []

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

    mutating func measured(_ measure: ServiceMeasure) {
        measures.append(measure)
    }

    mutating func authenticate(_ auth: Wire.Auth, on id: ConnectionID) {
        authentications.append((id, auth))
    }

    mutating func load(_ request: LoadRequest) {
        loads.append(request)
    }

    mutating func persist(_ change: DurableChange) {
        changes.append(change)
    }

    /// The outputs and durable changes so far, emptying the collector.
    mutating func take() -> (outputs: [ServerOutput], changes: [DurableChange]) {
        var outputs = batches.map { ServerOutput.send($0.0, $0.1) }
        outputs += closes.map { ServerOutput.close($0.0, $0.1) }
        outputs += measures.map(ServerOutput.measured)
        outputs += authentications.map { ServerOutput.authenticate($0.0, $0.1) }
        outputs += loads.map(ServerOutput.load)
        slots.removeAll()
        batches.removeAll()
        closes.removeAll()
        measures.removeAll()
        authentications.removeAll()
        loads.removeAll()
        defer { changes.removeAll() }
        return (outputs, changes)
    }
}
