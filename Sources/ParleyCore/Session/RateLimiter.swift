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

    private var messages: TokenBucket
    private var typing: TokenBucket
    private var presence: TokenBucket
    private let abuseThreshold: Int
    private var rejectedInARow = 0

    /// Full buckets sized by `configuration`.
    public init(configuration: SessionConfiguration) {
        messages = TokenBucket(ratePerMinute: configuration.messageRate, burst: configuration.messageBurst)
        typing = TokenBucket(ratePerMinute: configuration.typingRate, burst: configuration.typingBurst)
        presence = TokenBucket(ratePerMinute: configuration.presenceRate, burst: configuration.presenceBurst)
        abuseThreshold = configuration.rateAbuseThreshold
    }

    /// Draws one token from `bucket` at `now`.
    public mutating func admit(_ bucket: Bucket, now: Instant) -> Decision {
        let retryAfter: UInt64?
        switch bucket {
        case .messages: retryAfter = messages.take(now: now)
        case .typing: retryAfter = typing.take(now: now)
        case .presence: retryAfter = presence.take(now: now)
        }
        guard let retryAfter else {
            rejectedInARow = 0
            return .allowed
        }
        rejectedInARow += 1
        return rejectedInARow > abuseThreshold ? .abuse : .limited(retryAfterMs: retryAfter)
    }
}
