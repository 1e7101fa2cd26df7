/// The three per-connection buckets and the abuse counter of SESSION-28 and SESSION-29.
public struct RateLimiter: Sendable, Hashable {
    /// Which bucket an input draws from.
    public enum Bucket: Sendable, Hashable {
        /// send, note, create.
        case messages
        /// typing signals.
        case typing
        /// setPresence and activity.
        case presence
    }

    /// What to do with an input.
    public enum Decision: Sendable, Hashable {
        /// Within the limit.
        case allowed
        /// Over the limit: answer RATE_LIMITED with this retryAfterMs.
        case limited(retryAfterMs: UInt64)
        /// Over the limit too many times in a row: close with RATE_LIMIT_ABUSE.
        case abuse
    }

    /// The buckets' rates and the abuse threshold, from a configuration: shared by every
    /// connection's limiter, which keeps only its buckets' levels.
    public struct Rates: Sendable, Hashable {
        let messages: TokenBucket.Rate
        let typing: TokenBucket.Rate
        let presence: TokenBucket.Rate
        let abuseThreshold: Int

        /// The rates `configuration` sets.
        public init(configuration: SessionConfiguration) {
            messages = TokenBucket.Rate(ratePerMinute: configuration.messageRate, burst: configuration.messageBurst)
            typing = TokenBucket.Rate(ratePerMinute: configuration.typingRate, burst: configuration.typingBurst)
            presence = TokenBucket.Rate(ratePerMinute: configuration.presenceRate, burst: configuration.presenceBurst)
            abuseThreshold = configuration.rateAbuseThreshold
        }
    }

    private var messages: TokenBucket
    private var typing: TokenBucket
    private var presence: TokenBucket
    private var rejectedInARow = 0

    /// Full buckets of `rates` at `now`.
    public init(_ rates: Rates, now: Instant) {
        messages = TokenBucket(rates.messages, now: now)
        typing = TokenBucket(rates.typing, now: now)
        presence = TokenBucket(rates.presence, now: now)
    }

    /// Draws one token from `bucket` at `now`, the buckets being of `rates`.
    public mutating func admit(_ bucket: Bucket, now: Instant, rates: Rates) -> Decision {
        let retryAfter: UInt64?
        switch bucket {
        case .messages: retryAfter = messages.take(now: now, at: rates.messages)
        case .typing: retryAfter = typing.take(now: now, at: rates.typing)
        case .presence: retryAfter = presence.take(now: now, at: rates.presence)
        }
        guard let retryAfter else {
            rejectedInARow = 0
            return .allowed
        }
        rejectedInARow += 1
        return rejectedInARow > rates.abuseThreshold ? .abuse : .limited(retryAfterMs: retryAfter)
    }
}
