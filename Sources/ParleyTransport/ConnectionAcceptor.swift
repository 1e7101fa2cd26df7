import ParleyCore

/// Accepts connections from transports: the server implements it; tests may stand in.
public protocol ConnectionAcceptor: Sendable {
    /// Registers a new connection from `address` (the peer's, or the client's named by a
    /// trusted proxy, ABUSE-13), carried as `profile` says, and returns where its inbound
    /// messages go.
    func accept(_ transport: any ConnectionTransport, profile: ConnectionProfile, from address: SourceAddress) -> any InboundConnection
}
