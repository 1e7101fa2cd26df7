import ParleyWire

/// Who may receive an event: everyone in the conversation, or staff only (CONV-14).
public enum Audience: Hashable, Sendable {
    /// The visitor and the staff.
    case everyone
    /// Agents, supervisors and bots only: internal notes, silent observers joining or leaving.
    case staff
}

/// One entry of a conversation's history — a message, an internal note or a system event —
/// with its per-conversation sequence number (CONV-10, CONV-13): the wire's
/// `ConversationEvent` plus the `audience` the core decided. The wire entry's fields read
/// directly (`event.kind`, `event.cseq`, …).
@dynamicMemberLookup
public struct ChatEvent: Hashable, Sendable {
    /// The entry as `event` messages, history pages and transcripts carry it.
    public var wire: Wire.ConversationEvent
    /// Who may receive it.
    public var audience: Audience

    /// The entry `wire`, for `audience`.
    public init(_ wire: Wire.ConversationEvent, audience: Audience = .everyone) {
        self.wire = wire
        self.audience = audience
    }

    /// A field of the wire entry.
    public subscript<Value>(dynamicMember field: KeyPath<Wire.ConversationEvent, Value>) -> Value { wire[keyPath: field] }

    /// Whether it is an observer's `joined` or `left`: the only staff-only events of those kinds
    /// (CONV-14), which no other observer receives (CONV-39).
    public var isObserverAttendance: Bool { audience == .staff && (wire.kind == .joined || wire.kind == .left) }

    /// Whether `viewer` may receive or read the event (CONV-14, CONV-39).
    public func isVisible(to viewer: ChatViewer) -> Bool {
        switch (audience, viewer) {
        case (.everyone, _), (.staff, .staff): true
        case (.staff, .visitor): false
        case (.staff, .observer(let user)): !isObserverAttendance || wire.agent == user
        }
    }
}
