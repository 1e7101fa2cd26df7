/// The host's name for one transport connection, so the session layer can tell a resumed
/// connection from the one it replaces (SESSION-18, SESSION-19).
public struct ConnectionID: RawRepresentable, Hashable, Sendable {
    /// Any number unique among the host's connections for the registry's lifetime.
    public var rawValue: UInt64

    /// Wraps a number.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
}
