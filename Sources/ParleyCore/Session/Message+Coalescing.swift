import ParleyWire

extension Message {
    /// The state an ephemeral message is the latest value of, so a newer one replaces an older
    /// one still waiting in a session's log (HUB-8): the typers or the queue position of a
    /// conversation, the presence of a user, a team's queue. `nil` for every other kind.
    public var coalescingKey: CoalescingKey? {
        switch self {
        case .typers(let m): CoalescingKey(topic: Topic("conversation:\(m.conversation)"), subject: "typers")
        case .queuePosition(let m): CoalescingKey(topic: Topic("conversation:\(m.conversation)"), subject: "queuePosition")
        case .presence(let m): CoalescingKey(topic: Topic("presence"), subject: m.user)
        case .queue(let m): CoalescingKey(topic: Topic("queue:\(m.team)"), subject: "queue")
        default: nil
        }
    }
}
