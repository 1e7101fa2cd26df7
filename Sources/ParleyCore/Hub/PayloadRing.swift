/// A growable ring buffer of shared payload references: the retained durable part of an
/// outbound log. Appending stores a reference (a retain), never copies bytes; capacity doubles
/// when full and is kept afterwards, so a log in steady state allocates nothing.
struct PayloadRing<Payload: OutboundPayload> {
    private var slots: ContiguousArray<Payload?> = []
    private var head = 0
    /// Number of payloads held.
    private(set) var count = 0

    /// The payload `offset` places after the oldest.
    subscript(offset: Int) -> Payload {
        slots[(head &+ offset) & (slots.count &- 1)]!
    }

    /// Adds `payload` after the newest.
    mutating func append(_ payload: Payload) {
        if count == slots.count { grow() }
        slots[(head &+ count) & (slots.count &- 1)] = payload
        count &+= 1
    }

    /// Releases the `n` oldest payloads, returning their total size in `encoding`.
    mutating func removeFirst(_ n: Int, measuredIn encoding: PayloadEncoding) -> Int {
        precondition(n <= count)
        let mask = slots.count &- 1
        var bytes = 0
        for i in 0..<n {
            bytes += slots[(head &+ i) & mask].take()!.count(encoding)
        }
        if n > 0 { head = (head &+ n) & mask }
        count -= n
        return bytes
    }

    private mutating func grow() {
        var larger = ContiguousArray<Payload?>(repeating: nil, count: max(16, slots.count * 2))
        for i in 0..<count { larger[i] = self[i] }
        slots = larger
        head = 0
    }
}
