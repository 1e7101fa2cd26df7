import ParleyCore

/// Accepts connections from transports: the server implements it; tests may stand in.
public protocol ConnectionAcceptor: Sendable {
    /// Registers a new connection from `address` (the peer's, or the client's named by a
    /// trusted proxy, ABUSE-13), carried as `profile` says, and returns where its inbound
    /// messages go. `identity` is who the transport established the client to be before the
    /// connection opened — an embedding application's login, checked at the WebSocket upgrade —
    /// which a hello of scheme `transport` receives (SESSION-38); `nil` when it established no one.
    func accept(
        _ transport: any ConnectionTransport, profile: ConnectionProfile, from address: SourceAddress, identity: AuthenticatedIdentity?
    ) -> any InboundConnection
}

extension ConnectionAcceptor {
    /// Registers a new connection whose transport established no identity.
    public func accept(_ transport: any ConnectionTransport, profile: ConnectionProfile, from address: SourceAddress) -> any InboundConnection {
        accept(transport, profile: profile, from: address, identity: nil)
    }
}
