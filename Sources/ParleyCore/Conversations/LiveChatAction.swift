import ParleyWire

/// Something the embedding server must do after an input: deliver, push, notify, or arm a
/// timer. The core does none of it itself.
public enum LiveChatAction: Hashable, Sendable {
    /// A new history event (already in the store): deliver it to exactly these users (CONV-13,
    /// CONV-14). The visitor is listed only when the event's audience allows it.
    case append(ChatEvent, recipients: [String])
    /// An earlier event of the conversation, for a staff member who just became its staff and
    /// was not sent it before: deliver it to them, ahead of the events that follow (CONV-31).
    case backfill(ChatEvent, recipient: String)
    /// A user's read marker moved: tell these users (CONV-16).
    case readMarker(conversation: String, user: String, cseq: UInt64, recipients: [String])
    /// A waiting visitor's queue position changed (ROUTE-8), with the estimated wait when the
    /// team's recent pace gives one.
    case queuePosition(conversation: String, visitor: String, position: Int, estimatedWaitMs: UInt64?)
    /// The waiting conversations of this team changed: subscribers of its queue feed get
    /// ``LiveChatCore/queue(of:)`` (ROUTE-15).
    case queueChanged(team: String)
    /// A service time was measured just now (CONV-26): record it in metrics as it happens.
    case measured(ServiceMeasure)
    /// Deliver an invitation to a visitor on the site (CONV-20).
    case invitation(Invitation)
    /// Tell the inviting agent the visitor's answer (CONV-21).
    case invitationAnswered(invitation: String, agent: String, visitor: String, accepted: Bool, conversation: String?)
    /// Call ``LiveChatCore/timerFired(_:now:)`` with this timer at its deadline.
    case armTimer(LiveChatTimer)
    /// A change the store must make durable before anything that depends on it is observable
    /// (STORE-1); an input's changes come in the order they were made.
    case persist(DurableChange)
}

/// A service time of one conversation, reported the moment it is known (CONV-26, METRICS-2).
public enum ServiceMeasure: Hashable, Sendable {
    /// Its first assignment ended its first wait in `team`'s queue.
    case queueWait(ms: UInt64, team: String)
    /// Its first staff message after the first assignment.
    case firstResponse(ms: UInt64, team: String)
    /// It closed (or was abandoned): from creation to now.
    case duration(ms: UInt64, team: String)
}

/// A deadline the core asked for; stale timers are recognised and ignored when they fire.
public struct LiveChatTimer: Hashable, Sendable {
    /// When to fire.
    public var deadline: Instant
    /// What it is for.
    public var kind: Kind

    /// What a timer is for.
    public enum Kind: Hashable, Sendable {
        /// The assigned agent must have written by then, for this assignment (ROUTE-9).
        case answer(conversation: String, assignment: UInt64)
        /// Check the conversation for inactivity (CONV-22).
        case inactivity(conversation: String)
        /// The agent's disconnect grace period ends, for this disconnect (ROUTE-10).
        case disconnectGrace(agent: String, disconnect: UInt64)
        /// Push changed queue positions (ROUTE-8).
        case queuePositions
        /// The conversation's reopen window has passed: archive it unless it reopened (CONV-34).
        case archive(conversation: String)
        /// The invitation expires unless answered by then (CONV-35).
        case invitationExpiry(invitation: String)
        /// A visitor with a queued conversation at a restart has not come back by then: their
        /// queued conversations are abandoned (CONV-8, STORE-6).
        case absentVisitor(visitor: String)
    }

    /// Creates a timer.
    public init(deadline: Instant, kind: Kind) {
        self.deadline = deadline
        self.kind = kind
    }
}

/// A pending proactive-chat invitation (CONV-20).
public struct Invitation: Hashable, Sendable {
    /// The invitation id.
    public var id: String
    /// The invited visitor.
    public var visitor: String
    /// The inviting agent.
    public var agent: String
    /// The invitation text, posted as the agent's first message on acceptance.
    public var text: String?
}

/// The successful result of a command.
public enum CommandResult: Hashable, Sendable {
    /// Done; the conversation acted on and the cseq of the last event it created, if any.
    case ok(conversation: String?, cseq: UInt64?)
    /// An invitation was sent.
    case invited(invitation: String)
    /// A page of history.
    case history(HistoryPage)
    /// The conversations visible to the sender.
    case conversations([ChatSummary])
    /// A full transcript.
    case transcript(Transcript)
    /// A page of search results (CONV-36).
    case search(SearchPage)
    /// The blocks in force (listBlocks, ABUSE-12).
    case blocks([Wire.BlockRecord])
    /// What erasing a visitor's data removed (eraseVisitor, CONV-37).
    case erased(Erasure)
}

/// What a command returns: its result or error, and the actions to perform in both cases.
public struct LiveChatOutcome: Hashable, Sendable {
    /// The result, or the error that refused the command (nothing applied).
    public var result: Result<CommandResult, CommandError>
    /// Actions to perform, in order.
    public var actions: [LiveChatAction]

    /// Creates an outcome (an embedding server answers commands the core does not serve).
    public init(result: Result<CommandResult, CommandError>, actions: [LiveChatAction]) {
        self.result = result
        self.actions = actions
    }
}

/// A page of history in ascending cseq order whatever the direction (CONV-15).
public struct HistoryPage: Hashable, Sendable {
    /// The conversation.
    public var conversation: String
    /// The events, notes and staff-only events left out for visitors.
    public var events: [ChatEvent]
    /// Whether more visible events lie beyond the page in its direction.
    public var hasMore: Bool
}

/// A page of search results, newest first (CONV-36).
public struct SearchPage: Hashable, Sendable {
    /// The messages and notes found, at most the page's limit.
    public var events: [ChatEvent]
    /// The position of the last event when more events match (the next page starts after it);
    /// `nil` when nothing more does.
    public var next: Wire.SearchPosition?
}

/// The current state of a conversation, as the wire's `ConversationSummary`.
public struct ChatSummary: Hashable, Sendable {
    /// The conversation id.
    public var id: String
    /// Its lifecycle state.
    public var state: ConversationState
    /// The visitor.
    public var visitor: String
    /// The team it is routed to.
    public var team: String
    /// The assigned agent first, then joined staff (observers omitted for visitors).
    public var agents: [String]
    /// The latest cseq.
    public var lastCseq: UInt64
    /// The 1-based queue position while queued or offline.
    public var queuePosition: Int?
    /// Routing priority.
    public var priority: UInt32
    /// Creation time.
    public var createdAt: Instant
    /// Skills it needs, sorted.
    public var tags: [String]
    /// Properties.
    public var properties: [Wire.Property]
    /// The rating, once rated.
    public var score: UInt64?
    /// The assigned agent while active, the last one once closed (CONV-33).
    public var assignedAgent: String?
    /// The requester's own read marker, if they read (CONV-33).
    public var readCseq: UInt64?
}

/// A conversation's complete record for staff: summary, every event with notes marked by
/// their kind and audience, metrics and the rating comment (CONV-25).
public struct Transcript: Hashable, Sendable {
    /// The conversation.
    public var summary: ChatSummary
    /// Every event, in cseq order.
    public var events: [ChatEvent]
    /// Its metrics.
    public var metrics: ChatMetrics
    /// The rating comment.
    public var comment: String?
}
