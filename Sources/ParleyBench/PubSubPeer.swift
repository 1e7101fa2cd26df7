import NIOCore

/// A connection to a plain pub/sub server (Redis, NATS) as a fan-out run drives it: a
/// publisher's ``PublishWire``, or a subscriber of one room whose deliveries its
/// ``ConnectionMeter`` measures.
protocol PubSubPeer: PublishWire {
    /// What the connection measures, and whether it closed.
    var meter: ConnectionMeter { get }

    /// Opens connection `index` through `dialer` and completes the protocol's handshake.
    static func open(_ dialer: BenchDialer, index: Int, slow: BenchDialer.SlowReading?) async throws -> Self

    /// Subscribes to the room `name`; returns once the server has it (confirmed, or answered
    /// a ping sent behind it).
    func subscribe(to name: String) async throws

    /// Closes the connection, which the run no longer expects open (on any thread).
    func leave()
}

extension PubSubPeer {
    var isClosed: Bool { meter.isClosed }

    func leave() {
        channel.eventLoop.execute {
            self.meter.expectOpen = false
            self.channel.close(promise: nil)
        }
    }
}
