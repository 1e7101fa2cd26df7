import ParleyWire

/// Who may receive an event: everyone in the conversation, or staff only (CONV-14).
public enum Audience: Hashable, Sendable {
    /// The visitor and the staff.
    case everyone
    /// Agents, supervisors and bots only: internal notes, silent observers joining or leaving.
    case staff
}

/// One entry of a conversation's history — a message, an internal note or a system event —
/// with its per-conversation sequence number (CONV-10, CONV-13).
///
/// Field for field the wire's `ConversationEvent`, plus the `audience` the core decided.
public struct ChatEvent: Hashable, Sendable {
    /// The conversation id.
    public var conversation: String
    /// The per-conversation sequence number, from 1, without gaps.
    public var cseq: UInt64
    /// What happened.
    public var kind: EventKind
    /// When, from the injected clock.
    public var time: Instant
    /// Who caused it; `nil` for the system.
    public var sender: String?
    /// The sender's role.
    public var senderRole: Role?
    /// Message or note text.
    public var text: String?
    /// Attachments of a message.
    public var attachments: [Wire.Attachment]
    /// The sender's idempotency key, passed through.
    public var clientMessageId: String?
    /// The agent concerned (assigned, transferred, joined, left, rerouted).
    public var agent: String?
    /// The team concerned (created, queued, transferred).
    public var team: String?
    /// The rating (rated).
    public var score: UInt64?
    /// Why it closed (closed).
    public var closeReason: CloseReason?
    /// Properties set (created, properties).
    public var properties: [Wire.Property]
    /// Who may receive it.
    public var audience: Audience

    /// Creates an event; everything but the identity of the entry is optional.
    public init(
        conversation: String, cseq: UInt64, kind: EventKind, time: Instant, sender: String? = nil,
        senderRole: Role? = nil, text: String? = nil, attachments: [Wire.Attachment] = [],
        clientMessageId: String? = nil, agent: String? = nil, team: String? = nil, score: UInt64? = nil,
        closeReason: CloseReason? = nil, properties: [Wire.Property] = [], audience: Audience = .everyone
    ) {
        self.conversation = conversation
        self.cseq = cseq
        self.kind = kind
        self.time = time
        self.sender = sender
        self.senderRole = senderRole
        self.text = text
        self.attachments = attachments
        self.clientMessageId = clientMessageId
        self.agent = agent
        self.team = team
        self.score = score
        self.closeReason = closeReason
        self.properties = properties
        self.audience = audience
    }

    /// Whether an identity with this role may receive the event (CONV-14).
    public func isVisible(to role: Role) -> Bool {
        switch audience {
        case .everyone: true
        case .staff: role != .visitor
        }
    }
}
