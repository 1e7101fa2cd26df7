import ParleyCore
import ParleyTransport

/// The sends of one hold of the server's lock, gathered per connection and handed to each
/// transport once when the hold ends: a batch of inputs (say fifty publishes to a room) then
/// reaches each subscriber's transport as one write of fifty events instead of fifty writes,
/// so the transport encodes them into one buffer and one system call. Each connection's
/// order is kept: its items stay in the order the core produced them, and a close takes the
/// connection's gathered items out first, to be written before it.
struct GatheredSends: Sendable {
    /// Connections in the order they were first sent to in this hold.
    private var order: [ConnectionID] = []
    /// Each connection's items, in the order the core produced them.
    private var items: [ConnectionID: [Outbound]] = [:]

    /// Adds `messages` for connection `id`.
    mutating func add(_ messages: [Outbound], to id: ConnectionID) {
        guard !messages.isEmpty else { return }
        if let index = items.index(forKey: id) {
            items.values[index].append(contentsOf: messages)
        } else {
            order.append(id)
            items[id] = messages
        }
    }

    /// Takes connection `id`'s gathered items (before its transport closes).
    mutating func take(_ id: ConnectionID) -> [Outbound] {
        items.removeValue(forKey: id) ?? []
    }

    /// Takes everything gathered, connection by connection in first-send order.
    mutating func takeAll() -> [(ConnectionID, [Outbound])] {
        defer { order.removeAll(keepingCapacity: true) }
        // An id is listed again if it was sent to after `take`; its items are taken once.
        return order.compactMap { id in items.removeValue(forKey: id).map { (id, $0) } }
    }
}
