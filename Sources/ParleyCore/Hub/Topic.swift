/// A named stream of events: a conversation, the presence feed, a team's queue; the first half
/// of a ``CoalescingKey``.
public struct Topic: Hashable, Sendable, CustomStringConvertible {
    /// The topic's name, e.g. `conversation:c123` or `presence`.
    public let name: String

    /// The topic called `name`.
    public init(_ name: String) { self.name = name }

    /// The name.
    public var description: String { name }
}
