import ParleyWire

/// Counts, per source address, the connections open and the handshakes, new anonymous visitors
/// and conversations made in sliding windows, and refuses what goes over ``AddressLimits``
/// (ABUSE-1…ABUSE-5). A pure value fed `now`: no clock, no I/O.
///
/// Memory is bounded: an address with no open connection and nothing left in any window is
/// forgotten by ``sweep(now:)``, which the limiter runs by itself whenever the number of tracked
/// addresses has doubled since the last sweep.
///
/// ```swift
/// var limiter = AddressLimiter(limits: AddressLimits())
/// if let refusal = limiter.connect(address, now: now) { refuse(refusal) }
/// if let refusal = limiter.admit(.handshake, from: address, now: now) { refuse(refusal) }
/// ```
public struct AddressLimiter: Sendable {
    /// Why an input was refused and when it may be tried again.
    public struct Refusal: Sendable, Hashable {
        /// The error to answer with (ADDRESS_CONNECTION_LIMIT, ADDRESS_HANDSHAKE_RATE, …).
        public var code: ErrorCode
        /// The requirement it enforces (ABUSE-2…ABUSE-5).
        public var requirement: String
        /// The limit that was reached.
        public var limit: UInt64
        /// How long until the same input would be admitted (at least 1 ms).
        public var retryAfterMs: UInt64
    }

    /// One address's counts.
    struct Entry: Sendable {
        var openConnections: UInt64 = 0
        /// The instants admitted inputs of each kind were made at, oldest first, within the window.
        var windows: [AddressRateKind: [Instant]] = [:]

        /// Drops instants that left their window at `now`.
        mutating func prune(now: Instant) {
            for (kind, times) in windows {
                let kept = times.drop { now.milliseconds(since: $0) >= kind.windowMs }
                windows[kind] = kept.isEmpty ? nil : Array(kept)
            }
        }

        var isIdle: Bool { openConnections == 0 && windows.isEmpty }
    }

    /// The limits in force.
    public let limits: AddressLimits
    private var entries: [SourceAddress: Entry] = [:]
    private var sweepAt = AddressLimiter.minimumSweep
    private static let minimumSweep = 1_024

    /// A limiter that enforces `limits`.
    public init(limits: AddressLimits) {
        self.limits = limits
    }

    /// How many address keys the limiter holds state for.
    public var trackedAddresses: Int { entries.count }

    /// The number of connections open from `address`'s key.
    public func openConnections(from address: SourceAddress) -> UInt64 {
        entries[limits.key(of: address)]?.openConnections ?? 0
    }

    /// A connection from `address` opens: counted, or refused when the key already has
    /// `limits.connections` open (ABUSE-2). A refused connection is not counted.
    public mutating func connect(_ address: SourceAddress, now: Instant) -> Refusal? {
        let key = limits.key(of: address)
        let open = entries[key]?.openConnections ?? 0
        if limits.connections > 0, open >= limits.connections {
            return Refusal(code: .addressConnectionLimit, requirement: "ABUSE-2", limit: limits.connections,
                           retryAfterMs: max(1, limits.connectionRetryAfterMs))
        }
        entries[key, default: Entry()].openConnections = open + 1
        sweepIfGrown(now: now)
        return nil
    }

    /// A connection counted by ``connect(_:now:)`` closed.
    public mutating func disconnect(_ address: SourceAddress, now: Instant) {
        let key = limits.key(of: address)
        guard var entry = entries[key] else { return }
        entry.openConnections -= min(1, entry.openConnections)
        entry.prune(now: now)
        entries[key] = entry.isIdle ? nil : entry
    }

    /// Whether one more input of `kind` from `address` would go over its window at `now`,
    /// without counting it.
    public func refusal(_ kind: AddressRateKind, from address: SourceAddress, now: Instant) -> Refusal? {
        let limit = kind.limit(in: limits)
        guard limit > 0, let times = entries[limits.key(of: address)]?.windows[kind] else { return nil }
        let inWindow = times.drop { now.milliseconds(since: $0) >= kind.windowMs }
        guard inWindow.count >= limit else { return nil }
        // Admitted again once the oldest of the last `limit` inputs leaves the window.
        let freeing = inWindow[inWindow.endIndex - Int(limit)]
        return Refusal(code: kind.code, requirement: kind.requirement, limit: limit,
                       retryAfterMs: max(1, kind.windowMs - now.milliseconds(since: freeing)))
    }

    /// Counts an input of `kind` from `address` at `now` (for inputs admitted after a separate
    /// ``refusal(_:from:now:)`` check, once they succeeded).
    public mutating func record(_ kind: AddressRateKind, from address: SourceAddress, now: Instant) {
        let limit = kind.limit(in: limits)
        guard limit > 0 else { return }
        let key = limits.key(of: address)
        var entry = entries[key] ?? Entry()
        entry.prune(now: now)
        var times = entry.windows[kind] ?? []
        times.append(now)
        // Only the last `limit` instants decide a refusal: older ones need not be kept.
        if times.count > Int(limit) { times.removeFirst(times.count - Int(limit)) }
        entry.windows[kind] = times
        entries[key] = entry
        sweepIfGrown(now: now)
    }

    /// Checks and counts in one step: `nil` (counted) or the refusal (not counted).
    public mutating func admit(_ kind: AddressRateKind, from address: SourceAddress, now: Instant) -> Refusal? {
        if let refusal = refusal(kind, from: address, now: now) { return refusal }
        record(kind, from: address, now: now)
        return nil
    }

    /// Forgets every address with no open connection and nothing left in its windows at `now`.
    public mutating func sweep(now: Instant) {
        entries = entries.compactMapValues { entry in
            var entry = entry
            entry.prune(now: now)
            return entry.isIdle ? nil : entry
        }
        sweepAt = max(Self.minimumSweep, 2 * entries.count)
    }

    private mutating func sweepIfGrown(now: Instant) {
        if entries.count >= sweepAt { sweep(now: now) }
    }
}
