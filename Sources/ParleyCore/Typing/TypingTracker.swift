import ParleyWire

/// Typing indicators as a sans-I/O state machine: per-conversation typer sets with a
/// server-enforced expiry, throttling, per-audience views and optional draft previews (TYPE).
///
/// The embedding server checks that the identity may write in the conversation, then feeds
/// the signal here with the current `Instant` and routes the returned ``TypingAction``s: each
/// publication names its audience, so internal typing and previews reach staff only and no
/// typer ever receives their own typing.
///
/// ```swift
/// var typing = TypingTracker()
/// let visitor = TypingIdentity(user: "v1", role: .visitor)
/// let actions = typing.typing(conversation: "c1", identity: visitor, isTyping: true, now: now)
/// // → [.publish([v1], to: .staff(excluding: [])), .publish([v1], to: .visitors(excluding: ["v1"])), .armTimer(…)]
/// ```
public struct TypingTracker: Sendable {
    /// The timing rules and limits in force.
    public let configuration: TypingConfiguration

    private var conversations: [String: ConversationTypers] = [:]
    private var timers = DeadlineQueue<String>()
    private var announcedDeadline: Instant?

    /// A tracker with no conversations.
    public init(configuration: TypingConfiguration = TypingConfiguration()) {
        self.configuration = configuration
    }

    /// A `typing` signal from `identity` in `conversation` (a client's, or one a bot or the
    /// server sends on someone's behalf, TYPE-1): start or refresh with `isTyping`, stop without.
    ///
    /// A visitor's internal typing is rejected whole (TYPE-9); a preview that may not be shown
    /// is rejected and dropped while the typing itself applies (TYPE-11).
    public mutating func typing(
        conversation: String, identity: TypingIdentity, isTyping: Bool, isInternal: Bool = false,
        preview: String? = nil, now: Instant
    ) -> [TypingAction] {
        if isInternal && !identity.role.receivesStaffOnlyContent {
            return [.reject(WireError(.forbidden, "visitors cannot type internal notes (TYPE-9)"))]
        }
        guard isTyping else { return stop(conversation: conversation, user: identity.user, now: now) }
        var actions: [TypingAction] = []
        let preview = admit(preview, from: identity, in: conversation, rejections: &actions)
        let configuration = configuration
        update(conversation, now: now, into: &actions) { record in
            let expiresAt = now.adding(milliseconds: configuration.expiryMilliseconds)
            guard let index = record.entries.firstIndex(where: { $0.identity.user == identity.user }) else {
                record.add(identity, isInternal: isInternal, preview: preview, now: now, expiresAt: expiresAt)
                return .broadcast
            }
            let entry = record.entries[index]
            let unchanged = entry.isInternal == isInternal && entry.preview == preview
            if unchanged && now < entry.lastStart.adding(milliseconds: configuration.throttleMilliseconds) {
                return .none
            }
            record.entries[index].lastStart = now
            record.entries[index].expiresAt = expiresAt
            record.entries[index].isInternal = isInternal
            record.entries[index].preview = preview
            if entry.isInternal != isInternal { return .broadcast }
            return unchanged ? .refresh : .previewChanged
        }
        return actions
    }

    /// `user` sent a message or note in `conversation`: their typing ends at once (TYPE-4).
    public mutating func messageSent(conversation: String, user: String, now: Instant) -> [TypingAction] {
        stop(conversation: conversation, user: user, now: now)
    }

    /// The embedding server turns draft previews on or off for a conversation (TYPE-11);
    /// turning them off drops every preview held (TYPE-12).
    public mutating func setPreviewsEnabled(_ enabled: Bool, conversation: String, now: Instant) -> [TypingAction] {
        var actions: [TypingAction] = []
        update(conversation, now: now, into: &actions) { record in
            record.previewsEnabled = enabled
            guard !enabled, record.entries.contains(where: { $0.preview != nil }) else { return .none }
            for index in record.entries.indices { record.entries[index].preview = nil }
            return .broadcast
        }
        return actions
    }

    /// The conversation ended or was deleted: everyone's typing ends and its settings are
    /// forgotten (TYPE-15).
    public mutating func conversationEnded(_ conversation: String, now: Instant) -> [TypingAction] {
        var actions: [TypingAction] = []
        update(conversation, now: now, into: &actions) { record in
            record.previewsEnabled = false
            guard !record.entries.isEmpty else { return .none }
            record.removeEntries { _ in true }
            return .broadcast
        }
        return actions
    }

    /// Delivers due timers: typers expiring (TYPE-3) and throttled preview changes (TYPE-13).
    public mutating func tick(now: Instant) -> [TypingAction] {
        var actions: [TypingAction] = []
        let configuration = configuration
        announcedDeadline = nil
        while let (deadline, conversation) = timers.popDue(now: now) {
            guard let queued = conversations[conversation]?.queuedDeadline, queued == deadline else { continue }
            conversations[conversation]?.queuedDeadline = nil
            update(conversation, now: now, into: &actions, announcing: false) { record in
                let before = record.entries.count
                record.removeEntries { $0.expiresAt <= now }
                if record.entries.count != before { return .broadcast }
                return record.previewFlushPending && record.throttleOpen(now: now, configuration) ? .broadcast : .none
            }
        }
        announceTimer(into: &actions)
        return actions
    }

    /// Whether previews are enabled in `conversation`.
    public func previewsEnabled(in conversation: String) -> Bool { conversations[conversation]?.previewsEnabled ?? false }

    /// What `user` should be shown typing in `conversation` now: the set of their audience
    /// (internal typing and previews for staff only), without themselves (TYPE-8, TYPE-9).
    public func view(in conversation: String, for user: String, staff: Bool) -> [ActiveTyper] {
        (conversations[conversation]?.view(forStaff: staff) ?? []).filter { $0.user != user }
    }

    /// Who types in `conversation` now, as staff would see them.
    public func typers(in conversation: String) -> [ActiveTyper] {
        conversations[conversation]?.entries.map { $0.typer(forStaff: true) } ?? []
    }

    /// When the earliest pending timer is due, if any.
    public var nextDeadline: Instant? { timers.earliest }

    /// What an input did to a conversation's set, deciding whether and how to broadcast.
    private enum Change {
        /// Nothing visible changed (an absorbed start, TYPE-5).
        case none
        /// A repeated start past the throttle: re-broadcast if a refresh is due (TYPE-6).
        case refresh
        /// Only a preview changed: broadcast within the throttle (TYPE-13).
        case previewChanged
        /// Membership or the internal flag changed: broadcast now.
        case broadcast
    }

    private mutating func stop(conversation: String, user: String, now: Instant) -> [TypingAction] {
        var actions: [TypingAction] = []
        update(conversation, now: now, into: &actions) { $0.remove(user) ? .broadcast : .none }
        return actions
    }

    /// The preview to keep: none unless the sender is a visitor and previews are enabled
    /// (TYPE-11), cut to the size limit (TYPE-14).
    private func admit(
        _ preview: String?, from identity: TypingIdentity, in conversation: String, rejections: inout [TypingAction]
    ) -> String? {
        guard let preview else { return nil }
        guard !identity.role.receivesStaffOnlyContent else {
            rejections.append(.reject(WireError(.invalidArgument, "only a visitor's draft has a preview (TYPE-11)")))
            return nil
        }
        guard previewsEnabled(in: conversation) else {
            rejections.append(.reject(WireError(.previewNotEnabled, "previews are off in this conversation (TYPE-11)")))
            return nil
        }
        return preview.prefix(utf8Bytes: configuration.maxPreviewBytes)
    }

    /// Applies `change` to the conversation's record (created if needed), broadcasts what it
    /// calls for, drops a record with nothing left, and queues its next deadline.
    private mutating func update(
        _ conversation: String, now: Instant, into actions: inout [TypingAction], announcing: Bool = true,
        _ change: (inout ConversationTypers) -> Change
    ) {
        if conversations[conversation] == nil { conversations[conversation] = ConversationTypers() }
        let record = conversations.index(forKey: conversation)!
        switch change(&conversations.values[record]) {
        case .none:
            break
        case .refresh:
            if conversations.values[record].refreshDue(now: now, configuration) {
                conversations.values[record].broadcast(conversation: conversation, now: now, refresh: true, into: &actions)
            }
        case .previewChanged:
            if conversations.values[record].throttleOpen(now: now, configuration) {
                conversations.values[record].broadcast(conversation: conversation, now: now, refresh: false, into: &actions)
            } else {
                conversations.values[record].previewFlushPending = true
            }
        case .broadcast:
            conversations.values[record].broadcast(conversation: conversation, now: now, refresh: false, into: &actions)
        }
        if conversations.values[record].isIdle {
            conversations.remove(at: record)
        } else if let deadline = conversations.values[record].nextDeadline(configuration),
            conversations.values[record].queuedDeadline.map({ deadline < $0 }) ?? true
        {
            conversations.values[record].queuedDeadline = deadline
            timers.push(deadline, conversation)
        }
        if announcing { announceTimer(into: &actions) }
    }

    /// Emits `.armTimer` when the earliest deadline is earlier than the one last announced.
    private mutating func announceTimer(into actions: inout [TypingAction]) {
        guard let earliest = timers.earliest, announcedDeadline.map({ earliest < $0 }) ?? true else { return }
        announcedDeadline = earliest
        actions.append(.armTimer(deadline: earliest))
    }
}
