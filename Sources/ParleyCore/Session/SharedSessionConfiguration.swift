/// One ``SessionConfiguration`` shared by many ``ServerSession``s: each session refers to it
/// instead of holding its own copy (half a kilobyte per connection).
public final class SharedSessionConfiguration: Sendable {
    /// The configuration the sessions run with.
    public let value: SessionConfiguration
    /// The rate limits it sets (SESSION-28, SESSION-29).
    public let rates: RateLimiter.Rates

    /// Shares `value`.
    public init(_ value: SessionConfiguration) {
        self.value = value
        rates = RateLimiter.Rates(configuration: value)
    }
}
