import ParleyWire

/// The latest command results of a session, by request id, so a command re-sent after a
/// resumption gets its result again instead of running twice (SESSION-19).
struct RetainedResults: Sendable {
    struct Entry: Sendable {
        /// The hash of the command apart from its rid.
        var fingerprint: Int
        var result: Message
        /// The connection that was handed the result, `nil` if none was attached.
        var deliveredOn: ConnectionID?
        var serial: UInt64
    }

    private var entries: [UInt64: Entry] = [:]
    private var order: [(rid: UInt64, serial: UInt64)] = []
    private var orderHead = 0
    private var serial: UInt64 = 0
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    subscript(rid: UInt64) -> Entry? { entries[rid] }

    /// Remembers `result` for `rid`, evicting the oldest result beyond the capacity.
    mutating func record(rid: UInt64, fingerprint: Int, result: Message, deliveredOn: ConnectionID?) {
        serial += 1
        entries[rid] = Entry(fingerprint: fingerprint, result: result, deliveredOn: deliveredOn, serial: serial)
        order.append((rid, serial))
        while entries.count > capacity, orderHead < order.count {
            let oldest = order[orderHead]
            orderHead += 1
            if entries[oldest.rid]?.serial == oldest.serial { entries[oldest.rid] = nil }
        }
        if orderHead >= 64 && orderHead * 2 >= order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
    }

    /// Notes that the result for `rid` was handed to `connection` (`nil`: to none).
    mutating func markDelivered(rid: UInt64, on connection: ConnectionID?) {
        entries[rid]?.deliveredOn = connection
    }
}
