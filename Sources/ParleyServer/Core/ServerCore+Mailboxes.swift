import ParleyCore

/// The two mailboxes of the server: the shard's (``ShardInput``s from the transports and the
/// hub) and the hub's (``HubInput``s from the shard). Each input the host gives the server
/// enters one of them, and runs to quiescence: every input it causes, in either mailbox, runs
/// before the input returns — unless the host runs them itself (``stepsMailboxes``).
extension ServerCore {
    /// The inputs waiting in each mailbox, oldest first.
    struct Mailboxes: Sendable {
        var shard: [ShardInput] = []
        var shardHead = 0
        var hub: [HubInput] = []
        var hubHead = 0
        /// What the hub's step under way tells the shard, delivered when the step ends
        /// (``ServerCore/endHubStep()``), after the batch the step made.
        var step: [ShardInput] = []
        /// What the host must do, in the order it was produced.
        var outputs: [ServerOutput] = []
    }

    /// Tells the shard `input`, when the hub's step under way ends.
    mutating func tell(_ input: ShardInput) {
        mailboxes.step.append(input)
    }

    /// Ends a step of the hub: its durable changes become one numbered batch for the store,
    /// which the shard hears of before anything the step told it (STORE-1), then what it told.
    mutating func endHubStep() {
        let (outputs, changes) = pending.take()
        if !changes.isEmpty {
            let batch = PersistBatch(id: nextBatch, changes: changes)
            nextBatch += 1
            mailboxes.outputs.append(.persist(batch))
            mailboxes.shard.append(.unconfirmed(batch.id))
        }
        mailboxes.outputs += outputs
        mailboxes.shard += mailboxes.step
        mailboxes.step.removeAll(keepingCapacity: true)
    }

    /// Ends the host's input: runs both mailboxes until neither holds anything (the session
    /// logs given events hand them out at the end, unless the host ends batches itself,
    /// ``defersFlushes``), and returns what the host must do. With ``stepsMailboxes`` what the
    /// input caused stays queued.
    mutating func emit(now: Instant) -> [ServerOutput] {
        stepsMailboxes ? finish(now: now, running: false) : finish(now: now, running: true, endingBatch: !defersFlushes)
    }

    /// Ends a batch of inputs (``defersFlushes``): everything queued runs, then every session
    /// log given events during the batch hands them out, each connection's in one go.
    public mutating func flushDeferred(now: Instant) -> [ServerOutput] {
        finish(now: now, running: true, endingBatch: true)
    }

    /// Ends the hub's step under way; `running`, runs both mailboxes until neither holds
    /// anything, then — `endingBatch` — lets the due session logs hand out what they hold and
    /// runs what that causes; returns what the host must do.
    private mutating func finish(now: Instant, running: Bool, endingBatch: Bool = false) -> [ServerOutput] {
        endHubStep()
        if running {
            drain(now: now)
            if endingBatch {
                mailboxes.shard.append(.endBatch)
                drain(now: now)
            }
        }
        return takeOutputs()
    }

    /// How many inputs wait in each mailbox (only between inputs with ``stepsMailboxes``).
    public var queuedInputs: (shard: Int, hub: Int) {
        (mailboxes.shard.count - mailboxes.shardHead, mailboxes.hub.count - mailboxes.hubHead)
    }

    /// Runs the oldest input of `mailbox`, if it holds one, and returns what the host must do
    /// (``stepsMailboxes``): what it causes is queued in turn.
    public mutating func runQueued(_ mailbox: Mailbox, now: Instant) -> [ServerOutput] {
        switch mailbox {
        case .shard: runShardInput(now: now)
        case .hub: runHubInput(now: now)
        }
        compactMailboxes()
        return takeOutputs()
    }

    /// What the host must do, emptying the list.
    private mutating func takeOutputs() -> [ServerOutput] {
        defer { mailboxes.outputs.removeAll(keepingCapacity: true) }
        return mailboxes.outputs
    }

    /// Runs the inputs of both mailboxes, the shard's first, until both are empty.
    private mutating func drain(now: Instant) {
        while runShardInput(now: now) || runHubInput(now: now) {}
        compactMailboxes()
    }

    /// Runs the shard's oldest input; `false` when it has none.
    @discardableResult
    private mutating func runShardInput(now: Instant) -> Bool {
        guard mailboxes.shardHead < mailboxes.shard.count else { return false }
        let input = mailboxes.shard[mailboxes.shardHead]
        mailboxes.shardHead += 1
        shard.receive(input, now: now)
        mailboxes.hub += shard.takeOutbox()
        mailboxes.outputs += shard.takeOutputs()
        return true
    }

    /// Runs the hub's oldest input, then ends its step; `false` when it has none.
    @discardableResult
    private mutating func runHubInput(now: Instant) -> Bool {
        guard mailboxes.hubHead < mailboxes.hub.count else { return false }
        let input = mailboxes.hub[mailboxes.hubHead]
        mailboxes.hubHead += 1
        hear(input, now: now)
        endHubStep()
        return true
    }

    /// Forgets the inputs already run of an emptied mailbox.
    private mutating func compactMailboxes() {
        if mailboxes.shardHead == mailboxes.shard.count {
            mailboxes.shard.removeAll(keepingCapacity: true)
            mailboxes.shardHead = 0
        }
        if mailboxes.hubHead == mailboxes.hub.count {
            mailboxes.hub.removeAll(keepingCapacity: true)
            mailboxes.hubHead = 0
        }
    }
}
