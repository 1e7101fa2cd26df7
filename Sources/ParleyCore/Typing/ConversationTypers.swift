/// The typing state of one conversation: who types, what each audience was last told, and
/// the throttle and refresh bookkeeping (TYPE section).
struct ConversationTypers: Sendable {
    /// One identity in the set.
    struct Entry: Sendable {
        /// Who types.
        let identity: TypingIdentity
        /// Whether they type an internal note.
        var isInternal: Bool
        /// The visitor's draft, held only while typing (TYPE-12).
        var preview: String?
        /// Their last accepted start (TYPE-5).
        var lastStart: Instant
        /// When they drop out of the set without a new start (TYPE-3).
        var expiresAt: Instant
        /// The view this typer was last sent (or last saw as part of an audience).
        var lastSent: [ActiveTyper]

        /// What receivers see of this typer; `forStaff` keeps internal typing and the preview.
        func typer(forStaff: Bool) -> ActiveTyper {
            ActiveTyper(
                user: identity.user, role: identity.role, isInternal: forStaff && isInternal,
                preview: forStaff ? preview : nil)
        }
    }

    /// The typers, in the order they started (TYPE-10).
    var entries: [Entry] = []
    /// Whether the embedding server enabled draft previews here (TYPE-11); off by default.
    var previewsEnabled = false
    /// The set last sent to the staff audience.
    var publishedStaff: [ActiveTyper] = []
    /// The set last sent to the visitor audience.
    var publishedVisitors: [ActiveTyper] = []
    /// When anything was last broadcast (throttle and refresh, TYPE-6, TYPE-13).
    var lastBroadcastAt: Instant?
    /// Whether a preview change waits for the throttle window to close (TYPE-13).
    var previewFlushPending = false
    /// The deadline this conversation has queued in the tracker's timer queue, if any.
    var queuedDeadline: Instant?
    /// Typers who just left the set, until the broadcast that follows (TYPE-8).
    var departed: [Entry] = []

    /// Whether nothing remains worth keeping: no typers, nothing shown, previews at default.
    var isIdle: Bool {
        entries.isEmpty && publishedStaff.isEmpty && publishedVisitors.isEmpty && !previewsEnabled
            && !previewFlushPending
    }

    /// The earliest instant at which something changes by itself: a typer expiring or a
    /// throttled preview change going out.
    func nextDeadline(_ configuration: TypingConfiguration) -> Instant? {
        var earliest = entries.lazy.map(\.expiresAt).min()
        if previewFlushPending, let last = lastBroadcastAt {
            let flush = last.adding(milliseconds: configuration.throttleMilliseconds)
            if earliest.map({ flush < $0 }) ?? true { earliest = flush }
        }
        return earliest
    }

    /// Whether the throttle window since the last broadcast has closed.
    func throttleOpen(now: Instant, _ configuration: TypingConfiguration) -> Bool {
        lastBroadcastAt.map { now >= $0.adding(milliseconds: configuration.throttleMilliseconds) } ?? true
    }

    /// Whether the last broadcast is old enough to repeat an unchanged set (TYPE-6).
    func refreshDue(now: Instant, _ configuration: TypingConfiguration) -> Bool {
        lastBroadcastAt.map { now >= $0.adding(milliseconds: configuration.refreshMilliseconds) } ?? true
    }

    /// Adds a typer at the end of the set; they have so far seen what their audience saw.
    mutating func add(_ identity: TypingIdentity, isInternal: Bool, preview: String?, now: Instant, expiresAt: Instant) {
        let seen = identity.role.receivesStaffOnlyContent ? publishedStaff : publishedVisitors
        entries.append(
            Entry(
                identity: identity, isInternal: isInternal, preview: preview, lastStart: now, expiresAt: expiresAt,
                lastSent: seen))
    }

    /// The set as an audience sees it: staff see internal typing and previews, visitors neither
    /// (TYPE-9, TYPE-11).
    func view(forStaff: Bool) -> [ActiveTyper] {
        entries.compactMap { forStaff || !$0.isInternal ? $0.typer(forStaff: forStaff) : nil }
    }

    /// Removes `user` from the set; returns whether they were in it.
    mutating func remove(_ user: String) -> Bool {
        guard entries.contains(where: { $0.identity.user == user }) else { return false }
        removeEntries { $0.identity.user == user }
        return true
    }

    /// Removes the typers `leaving` selects, remembering what each was last sent so the next
    /// broadcast tells them only of a change (TYPE-8).
    mutating func removeEntries(where leaving: (Entry) -> Bool) {
        for entry in entries where leaving(entry) { departed.append(entry) }
        entries.removeAll(where: leaving)
    }

    /// Computes every audience's view and returns the publications for the views that changed,
    /// or, with `refresh`, that are non-empty (TYPE-2, TYPE-6, TYPE-8, TYPE-9, TYPE-11).
    mutating func broadcast(conversation: String, now: Instant, refresh: Bool, into actions: inout [TypingAction]) {
        let staffView = view(forStaff: true)
        let visitorSet = view(forStaff: false)
        let before = actions.count
        // Typers and those who just stopped get their own view below, not the audience's (TYPE-8).
        let departed = self.departed
        self.departed = []
        if staffView != publishedStaff || (refresh && !staffView.isEmpty) {
            let typing = (entries + departed).lazy.filter { $0.identity.role.receivesStaffOnlyContent }.map(\.identity.user)
            actions.append(.publish(TypersUpdate(conversation: conversation, typers: staffView), to: .staff(excluding: Array(typing))))
            publishedStaff = staffView
        }
        if visitorSet != publishedVisitors || (refresh && !visitorSet.isEmpty) {
            let typing = (entries + departed).lazy.filter { !$0.identity.role.receivesStaffOnlyContent }.map(\.identity.user)
            actions.append(.publish(TypersUpdate(conversation: conversation, typers: visitorSet), to: .visitors(excluding: Array(typing))))
            publishedVisitors = visitorSet
        }
        for index in entries.indices {
            let user = entries[index].identity.user
            let base = entries[index].identity.role.receivesStaffOnlyContent ? staffView : visitorSet
            let own = base.filter { $0.user != user }
            guard own != entries[index].lastSent || (refresh && !own.isEmpty) else { continue }
            actions.append(.publish(TypersUpdate(conversation: conversation, typers: own), to: .user(user)))
            entries[index].lastSent = own
        }
        for gone in departed {
            let user = gone.identity.user
            let own = (gone.identity.role.receivesStaffOnlyContent ? staffView : visitorSet).filter { $0.user != user }
            if own != gone.lastSent { actions.append(.publish(TypersUpdate(conversation: conversation, typers: own), to: .user(user))) }
        }
        if actions.count > before { lastBroadcastAt = now }
        previewFlushPending = false
    }
}
