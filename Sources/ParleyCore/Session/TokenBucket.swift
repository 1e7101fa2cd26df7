/// A token bucket with exact integer arithmetic: `burst` tokens of capacity, refilled at
/// `ratePerMinute` (SESSION-28).
///
/// A token is 60 000 units and every millisecond adds `ratePerMinute` units, so no rate
/// rounds to zero and the bucket needs no floating point.
public struct TokenBucket: Sendable, Hashable {
    private static let unitsPerToken: UInt64 = 60_000
    private let capacity: UInt64
    private let refillPerMs: UInt64
    private var level: UInt64
    private var updated: Instant?

    /// A full bucket. A rate of 0 is treated as 1 per minute.
    public init(ratePerMinute: UInt64, burst: UInt64) {
        capacity = max(burst, 1) * Self.unitsPerToken
        refillPerMs = max(ratePerMinute, 1)
        level = capacity
    }

    /// Takes a token at `now`: `nil` if one was available, otherwise the milliseconds until
    /// one will be (the `retryAfterMs` of RATE_LIMITED).
    public mutating func take(now: Instant) -> UInt64? {
        if let updated {
            let (added, overflow) = now.milliseconds(since: updated).multipliedReportingOverflow(by: refillPerMs)
            level = overflow ? capacity : min(capacity, level + min(added, capacity))
        }
        updated = now
        if level >= Self.unitsPerToken {
            level -= Self.unitsPerToken
            return nil
        }
        let missing = Self.unitsPerToken - level
        return (missing + refillPerMs - 1) / refillPerMs
    }
}
