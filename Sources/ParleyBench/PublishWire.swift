import NIOCore

/// What a ``Publisher`` needs of its connection, whatever server it speaks to: write one
/// publish, and hear back whether the server took it. Called on the connection's loop.
protocol PublishWire: AnyObject, Sendable {
    /// The connection's channel (its loop runs the publisher).
    var channel: any Channel { get }
    /// Whether the connection closed.
    var isClosed: Bool { get }
    /// Called with the ticket of each answered publish and the answer; set by the publisher.
    var answers: ((UInt64, PublishAnswer) -> Void)? { get set }

    /// Writes (without flushing) the publish of `probe`'s `text` into `room`; returns the
    /// ticket its answer will carry, or `nil` if the protocol answers no publish (it then
    /// counts as accepted once written).
    func publish(_ text: [UInt8], probe: Probe, room: Publisher.Room) -> UInt64?
}

/// A server's answer to one publish.
enum PublishAnswer: Sendable, Equatable {
    /// Taken: it will be delivered to the room's subscribers.
    case accepted
    /// Refused (a rate limit, a permission), with the server's reason.
    case refused(String)
}
