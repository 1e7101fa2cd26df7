/// The embedding server's name for one connection (one tab, one device) of a user.
///
/// Presence is tracked per connection and aggregated per user (PRES-2), so every input that
/// comes from a client names its connection; the value is opaque to the tracker.
public struct PresenceConnectionID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The server's connection number.
    public var rawValue: UInt64

    /// Wraps a connection number.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Wraps a connection number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    public var description: String { "c\(rawValue)" }
}
