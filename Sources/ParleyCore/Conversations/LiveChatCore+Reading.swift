import ParleyWire

/// Reading commands: history pages, lists and transcripts (CONV-15, CONV-25, CONV-29).
/// They change nothing.
extension LiveChatCore {
    /// A page of history from an exclusive anchor, forward or backward, in ascending cseq
    /// order; visitors never get staff-only events, observers never other observers' `joined`
    /// and `left`, and the limit counts what they get (CONV-15, CONV-39).
    public func history(
        _ id: String, anchor: UInt64? = nil, direction: Direction = .backward, limit: Int? = nil, from actor: ChatIdentity
    ) -> LiveChatOutcome {
        let machine: ConversationMachine
        switch visibleRecord(id, to: actor) {
        case .success(let found): machine = found
        case .failure(let error): return LiveChatOutcome(result: .failure(error), actions: [])
        }
        let limit = min(limit ?? configuration.historyPageMax, configuration.historyPageMax)
        guard limit > 0 else {
            return LiveChatOutcome(result: .failure(CommandError(.invalidArgument, "CONV-15", "limit must be positive")), actions: [])
        }
        let last = machine.lastCseq
        let viewer = machine.viewer(actor)
        var page: [ChatEvent] = []
        switch direction {
        case .forward:
            var next = (anchor ?? 0) + 1
            while next <= last, page.count <= limit {
                let upper = min(last, next + UInt64(limit))
                page += store.events(of: id, in: next...upper).filter { $0.isVisible(to: viewer) }
                next = upper + 1
            }
        case .backward:
            var end = min(anchor.map { $0 == 0 ? 0 : $0 - 1 } ?? last, last)
            while end >= 1, page.count <= limit {
                let lower = end > UInt64(limit) ? end - UInt64(limit) : 1
                page = store.events(of: id, in: lower...end).filter { $0.isVisible(to: viewer) } + page
                end = lower - 1
            }
        }
        let hasMore = page.count > limit
        if hasMore {
            switch direction {
            case .forward: page.removeLast(page.count - limit)
            case .backward: page.removeFirst(page.count - limit)
            }
        }
        return LiveChatOutcome(result: .success(.history(HistoryPage(conversation: id, events: page, hasMore: hasMore))), actions: [])
    }

    /// The conversations visible to the sender, archived ones included, optionally only those
    /// in one state, in creation order (CONV-29, CONV-30, CONV-34).
    public func list(state: ConversationState? = nil, from actor: ChatIdentity) -> LiveChatOutcome {
        // A visitor's own conversations come from their index; staff's from the state lists.
        // Archived ones read back from the host's store come with them (STORE-5).
        var ids = actor.role == .visitor
            ? store.conversations(ofVisitor: actor.user)
            : (state.map { [$0] } ?? ConversationState.allCases).flatMap { store.conversations(in: $0) }
        var listed = Set(ids)
        for id in restored where listed.insert(id).inserted { ids.append(id) }
        let visible = ids.compactMap { conversation($0) }.filter { (state == nil || $0.wireState == state) && isVisible($0, to: actor) }
        let summaries = creationOrdered(visible).map { summary(of: $0, for: actor) }
        return LiveChatOutcome(result: .success(.conversations(summaries)), actions: [])
    }

    /// The full transcript for staff: every event with notes marked, metrics, rating comment
    /// (CONV-25).
    public func transcript(_ id: String, from actor: ChatIdentity) -> LiveChatOutcome {
        guard actor.isStaff else {
            return LiveChatOutcome(result: .failure(CommandError(.forbidden, "CONV-25", "transcripts are for staff")), actions: [])
        }
        switch visibleRecord(id, to: actor) {
        case .failure(let error): return LiveChatOutcome(result: .failure(error), actions: [])
        case .success(let machine):
            let events = machine.lastCseq == 0 ? [] : store.events(of: id, in: 1...machine.lastCseq)
            let transcript = Transcript(
                summary: summary(of: machine, for: actor), events: events, metrics: machine.metrics, comment: machine.rating?.comment)
            return LiveChatOutcome(result: .success(.transcript(transcript)), actions: [])
        }
    }
}
