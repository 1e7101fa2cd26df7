import ParleyWire

/// What a ``TypingTracker`` asks its embedding server to do after an input.
public enum TypingAction: Hashable, Sendable {
    /// Send `update` (as a `typers` message) to `audience` in the update's conversation.
    case publish(TypersUpdate, to: TypingAudience)
    /// Answer the sender of the signal with this non-fatal error; whatever else the actions
    /// say was still applied (TYPE-9, TYPE-11).
    case reject(WireError)
    /// Call `tick(now:)` at or after `deadline`; replaces any earlier request.
    case armTimer(deadline: Instant)
}
