import ParleyCore

/// Test code: an outbound payload that is only an id and a size per encoding, so a test reads
/// back which event a delivery carries and sets what counts against the log's byte bounds.
final class TestPayload: OutboundPayload {
    let id: UInt64
    private let binarySize: Int
    private let jsonSize: Int

    init(_ id: UInt64, binarySize: Int = 9, jsonSize: Int = 9) {
        self.id = id
        self.binarySize = binarySize
        self.jsonSize = jsonSize
    }

    func count(_ encoding: PayloadEncoding) -> Int {
        switch encoding {
        case .binary: binarySize
        case .json: jsonSize
        }
    }
}

extension OutboundLog<TestPayload> {
    /// Drains up to `limit` events, returning (seq, id, kind) triples and the drain's result.
    mutating func drainAll(limit: Int = .max) -> ([(seq: UInt64, id: UInt64, kind: DeliveryKind)], DrainResult) {
        var batch: [(seq: UInt64, id: UInt64, kind: DeliveryKind)] = []
        let result = drain(limit: limit) { batch.append(($0.seq, $0.payload.id, $0.kind)) }
        return (batch, result)
    }
}
