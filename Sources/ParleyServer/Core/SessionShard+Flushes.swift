import ParleyCore

/// When a session's log hands out what it was given: not once per event but once per input —
/// or, for a host that runs inputs in batches (``ServerCore/defersFlushes``), once per batch.
/// A connection's order stays the order the server produced: before its machine runs any other
/// input, a flush of what its log was given until then runs first (``SessionShard/run(_:on:now:)``).
extension SessionShard {
    /// Connection `id`'s session log was given an event or an ephemeral message: its machine
    /// hands it out at the next flush, or before its next other input.
    mutating func flushLater(_ id: ConnectionID) {
        if flushesDue.insert(id).inserted { dueFlushes.append(id) }
    }

    /// Hands out what connection `id`'s log holds now, if it was given anything: before the
    /// server writes to the connection outside its machine.
    mutating func flushNow(_ id: ConnectionID, now: Instant) {
        guard flushesDue.remove(id) != nil else { return }
        run(.flush, on: id, now: now)
    }

    /// Hands out everything the logs of due connections hold, in the order they became due
    /// (a flush that gives other logs events — a slow consumer's session ending — flushes them too).
    mutating func flushDue(now: Instant) {
        var next = 0
        while next < dueFlushes.count {
            flushNow(dueFlushes[next], now: now)
            next += 1
        }
        dueFlushes.removeAll(keepingCapacity: true)
    }
}
