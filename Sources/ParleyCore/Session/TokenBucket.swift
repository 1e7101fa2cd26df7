/// A token bucket with exact integer arithmetic: `burst` tokens of capacity, refilled at
/// `ratePerMinute` (SESSION-28).
///
/// A token is 60 000 units and every millisecond adds `ratePerMinute` units, so no rate
/// rounds to zero and the bucket needs no floating point. A bucket keeps only its level: its
/// ``Rate`` is the configuration's, passed to each ``take(now:at:)`` (every connection has
/// three buckets, so this is memory per idle visitor).
public struct TokenBucket: Sendable, Hashable {
    /// How much a bucket holds and how fast it refills.
    public struct Rate: Sendable, Hashable {
        let capacity: UInt64
        let refillPerMs: UInt64

        /// `burst` tokens, refilled at `ratePerMinute`. A rate of 0 is treated as 1 per minute.
        public init(ratePerMinute: UInt64, burst: UInt64) {
            capacity = max(burst, 1) * TokenBucket.unitsPerToken
            refillPerMs = max(ratePerMinute, 1)
        }
    }

    private static let unitsPerToken: UInt64 = 60_000
    private var level: UInt64
    private var updated: Instant

    /// A bucket of `rate`, full at `now`.
    public init(_ rate: Rate, now: Instant) {
        level = rate.capacity
        updated = now
    }

    /// Takes a token at `now` from a bucket of `rate`: `nil` if one was available, otherwise
    /// the milliseconds until one will be (the `retryAfterMs` of RATE_LIMITED).
    public mutating func take(now: Instant, at rate: Rate) -> UInt64? {
        let (added, overflow) = now.milliseconds(since: updated).multipliedReportingOverflow(by: rate.refillPerMs)
        level = overflow ? rate.capacity : min(rate.capacity, level + min(added, rate.capacity))
        updated = now
        if level >= Self.unitsPerToken {
            level -= Self.unitsPerToken
            return nil
        }
        let missing = Self.unitsPerToken - level
        return (missing + rate.refillPerMs - 1) / rate.refillPerMs
    }
}
