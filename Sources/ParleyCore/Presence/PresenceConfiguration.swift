/// The timing rules and input limits of a ``PresenceTracker``.
///
/// Every duration of the presence section (PRES) is a field here so an embedding server can
/// tune it; the defaults are the spec's recommended values.
public struct PresenceConfiguration: Hashable, Sendable {
    /// How long a user with no connection left keeps their last presence before showing as
    /// offline, so a reload or a network switch does not flap (PRES-6). Default 10 s.
    public var gracePeriodMilliseconds: UInt64
    /// How long a connection may go without activity before it counts as away (PRES-8).
    /// Default 5 min.
    public var idleAfterMilliseconds: UInt64
    /// The window within which a user's presence changes are coalesced into one update per
    /// channel (PRES-17). Default 500 ms.
    public var coalescingWindowMilliseconds: UInt64
    /// The longest free-text status accepted, in UTF-8 bytes (PRES-10). Default 256.
    public var maxTextBytes: Int
    /// The longest page URL or title accepted, in UTF-8 bytes (PRES-13). Default 2048.
    public var maxPageFieldBytes: Int

    /// A configuration; every argument defaults to the spec's recommended value.
    public init(
        gracePeriodMilliseconds: UInt64 = 10_000,
        idleAfterMilliseconds: UInt64 = 300_000,
        coalescingWindowMilliseconds: UInt64 = 500,
        maxTextBytes: Int = 256,
        maxPageFieldBytes: Int = 2048
    ) {
        self.gracePeriodMilliseconds = gracePeriodMilliseconds
        self.idleAfterMilliseconds = idleAfterMilliseconds
        self.coalescingWindowMilliseconds = coalescingWindowMilliseconds
        self.maxTextBytes = maxTextBytes
        self.maxPageFieldBytes = maxPageFieldBytes
    }
}
