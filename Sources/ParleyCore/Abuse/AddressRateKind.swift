import ParleyWire

/// What the ``AddressLimiter`` counts in a sliding window per source address.
public enum AddressRateKind: Sendable, Hashable, CaseIterable {
    /// A `hello` (ABUSE-3): 60 s window.
    case handshake
    /// A new anonymous visitor (ABUSE-4): one-hour window.
    case anonymousSession
    /// A conversation created (ABUSE-5): one-hour window.
    case conversation

    /// The length of the window, in ms.
    public var windowMs: UInt64 {
        switch self {
        case .handshake: 60_000
        case .anonymousSession, .conversation: 3_600_000
        }
    }

    /// The error a refusal of this kind is answered with.
    public var code: ErrorCode {
        switch self {
        case .handshake: .addressHandshakeRate
        case .anonymousSession: .addressAnonymousLimit
        case .conversation: .addressConversationLimit
        }
    }

    /// The requirement a refusal of this kind cites.
    public var requirement: String {
        switch self {
        case .handshake: "ABUSE-3"
        case .anonymousSession: "ABUSE-4"
        case .conversation: "ABUSE-5"
        }
    }

    /// How many of this kind one address may make per window under `limits` (0: unlimited).
    public func limit(in limits: AddressLimits) -> UInt64 {
        switch self {
        case .handshake: limits.handshakesPerMinute
        case .anonymousSession: limits.anonymousPerHour
        case .conversation: limits.conversationsPerHour
        }
    }
}
