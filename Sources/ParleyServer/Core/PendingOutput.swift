import ParleyCore
import ParleyTransport
import ParleyWire

/// Collects what the hub's part of one input asks of the host besides writes (those are the
/// shard's, ``ConnectionSends``): measures, authentications, store reads, and its durable
/// changes (one batch).
struct PendingOutput: Sendable {
    private var measures: [ServiceMeasure] = []
    private var authentications: [(ConnectionID, Wire.Auth)] = []
    private var loads: [LoadRequest] = []
    private var changes: [DurableChange] = []

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
        var outputs = measures.map(ServerOutput.measured)
        outputs += authentications.map { ServerOutput.authenticate($0.0, $0.1) }
        outputs += loads.map(ServerOutput.load)
        measures.removeAll()
        authentications.removeAll()
        loads.removeAll()
        defer { changes.removeAll() }
        return (outputs, changes)
    }
}
