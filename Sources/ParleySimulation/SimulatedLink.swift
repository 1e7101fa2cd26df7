import ParleyCore
import ParleyWire

/// One simulated connection: two FIFO streams (order within a connection is preserved; the
/// simulator interleaves different connections freely) and which end has closed.
struct SimulatedLink: Sendable {
    /// The server's id for the connection.
    let id: ConnectionID
    /// The index of the user whose client owns it.
    let user: Int
    var toServer = MessageQueue()
    var toClient = MessageQueue()
    /// The client closed: the server learns once `toServer` is drained.
    var clientClosed = false
    /// The server closed: the client learns once `toClient` is drained.
    var serverClosed = false
    /// The connection broke: nothing more gets through in either direction.
    var broken = false
    /// The server has been told the connection closed.
    var serverDone = false
    /// The client no longer uses it.
    var clientDone = false

    /// Whether what the server writes can still reach the client.
    var carriesToClient: Bool { !broken && !clientDone && !serverClosed }
}

/// A FIFO of messages that does not shift on removal.
struct MessageQueue: Sendable {
    private var items: [Message] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    mutating func append(_ message: Message) { items.append(message) }

    mutating func popFirst() -> Message? {
        guard head < items.count else { return nil }
        defer {
            head += 1
            if head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
        }
        return items[head]
    }

    /// Discards everything in flight (a broken connection).
    mutating func discard() { items.removeAll(); head = 0 }
}
