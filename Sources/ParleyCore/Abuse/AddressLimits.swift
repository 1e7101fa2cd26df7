import ParleyWire

/// The per-source-address limits (ABUSE-1…ABUSE-5): how many connections one address may hold
/// open, and how many handshakes, new anonymous visitors and conversations it may make per
/// sliding window. 0 means unlimited (and is not announced).
public struct AddressLimits: Sendable, Hashable {
    /// Connections open at once from one address (ABUSE-2; reference 50).
    public var connections: UInt64 = 50
    /// Hellos from one address in any 60 s (ABUSE-3; reference 120).
    public var handshakesPerMinute: UInt64 = 120
    /// New anonymous visitors from one address in any hour (ABUSE-4; reference 60).
    public var anonymousPerHour: UInt64 = 60
    /// Conversations created from one address in any hour (ABUSE-5; reference 30).
    public var conversationsPerHour: UInt64 = 30
    /// The prefix length that keys an IPv4 address (ABUSE-1; reference 32).
    public var ipv4Prefix: Int = 32
    /// The prefix length that keys an IPv6 address (ABUSE-1; reference 64: one host's usual share).
    public var ipv6Prefix: Int = 64
    /// The retry hint sent with ADDRESS_CONNECTION_LIMIT, which no window bounds (ABUSE-2).
    public var connectionRetryAfterMs: UInt64 = 5_000

    /// The reference limits above.
    public init() {}

    /// No limit at all (for tests and load generators on one address).
    public static var unlimited: AddressLimits {
        var limits = AddressLimits()
        limits.connections = 0
        limits.handshakesPerMinute = 0
        limits.anonymousPerHour = 0
        limits.conversationsPerHour = 0
        return limits
    }

    /// The key that `address` is counted under: its first ``ipv4Prefix`` or ``ipv6Prefix`` bits.
    public func key(of address: SourceAddress) -> SourceAddress {
        switch address {
        case .ipv4: address.masked(to: ipv4Prefix)
        case .ipv6: address.masked(to: ipv6Prefix)
        }
    }

    /// Writes the limits in force into the welcome's `limits` (fields 40–43, absent when unlimited).
    public func announce(into limits: inout Wire.Limits) {
        func announced(_ value: UInt64) -> UInt64? { value == 0 ? nil : value }
        limits.addressConnections = announced(connections)
        limits.addressHandshakesPerMinute = announced(handshakesPerMinute)
        limits.addressAnonymousPerHour = announced(anonymousPerHour)
        limits.addressConversationsPerHour = announced(conversationsPerHour)
    }
}
