/// What an ephemeral event is the latest state *of*: a newer ephemeral event with the same key
/// replaces an undrained older one in a session's outbound log (HUB-8).
///
/// Examples: the typers of conversation X (`topic: conversation:X, subject: "typers"`), the
/// presence of user Y (`topic: presence, subject: "Y"`). The hash is computed once, when the
/// key is made, so coalescing in many sessions' logs hashes nothing again.
public struct CoalescingKey: Hashable, Sendable {
    /// The stream the state belongs to (a conversation, the presence feed, a team's queue).
    public let topic: Topic
    /// Whose or which state the event carries, within the topic.
    public let subject: String
    private let precomputedHash: Int

    /// The key for `subject`'s state on `topic`.
    public init(topic: Topic, subject: String) {
        self.topic = topic
        self.subject = subject
        var hasher = Hasher()
        hasher.combine(topic)
        hasher.combine(subject)
        self.precomputedHash = hasher.finalize()
    }

    /// Equal when topic and subject are: the precomputed hashes are compared first.
    public static func == (lhs: CoalescingKey, rhs: CoalescingKey) -> Bool {
        lhs.precomputedHash == rhs.precomputedHash && lhs.topic == rhs.topic && lhs.subject == rhs.subject
    }

    /// Feeds the hash computed when the key was made.
    public func hash(into hasher: inout Hasher) { hasher.combine(precomputedHash) }
}
