import ParleyWire

/// A team's waiting conversations as its queue feed shows them (ROUTE-15).
public struct TeamQueue: Hashable, Sendable {
    /// How many conversations wait (queued or offline).
    public var total: Int
    /// The first ``LiveChatConfiguration/queueFeedMax`` of them, in queue order (ROUTE-3).
    public var entries: [Wire.QueueEntry]
}

extension LiveChatCore {
    /// The waiting conversations of `team`, in queue order, for its queue feed; `nil` for a
    /// team that does not exist (ROUTE-15).
    ///
    /// - Complexity: O(n log n) for n waiting conversations, plus a few stored events for each
    ///   listed one (the preview).
    public func queue(of team: String) -> TeamQueue? {
        guard router.hasTeam(team) else { return nil }
        let waiting = router.waiting(in: team)
        let entries = waiting.prefix(configuration.queueFeedMax).compactMap { id -> Wire.QueueEntry? in
            guard let machine = machines[id], let since = machine.waitingSince else { return nil }
            return Wire.QueueEntry(
                conversation: id, state: machine.wireState, visitor: machine.visitor, waitingSince: since.rawValue,
                priority: machine.priority == 0 ? nil : UInt64(machine.priority), tags: machine.tags.sorted(),
                preview: firstVisitorText(of: machine)?.prefix(utf8Bytes: configuration.queuePreviewBytes))
        }
        return TeamQueue(total: waiting.count, entries: entries)
    }

    /// The text of the visitor's first message, looked for among the first events (a create's
    /// text follows `created` and `queued` or `offline`, CONV-1).
    private func firstVisitorText(of machine: ConversationMachine) -> String? {
        guard machine.lastCseq > 0 else { return nil }
        return store.events(of: machine.id, in: 1...min(machine.lastCseq, 8))
            .first { $0.kind == .message && $0.senderRole == .visitor }?.text
    }
}
