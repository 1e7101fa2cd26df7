import ParleyWire

/// A session's outbound event log: assigns sequence numbers, keeps every event until the
/// client acknowledges it, and replays what a resuming client missed (SESSION-10, -11, -14).
///
/// This is the session's own minimal stand-in for the fan-out hub's per-subscriber log
/// (seq at enqueue = ``append(_:)``, ack trimming = ``acknowledge(through:)``, rewind =
/// ``events(after:)``), kept separable so the two can be merged.
public struct RetainedEvents: Sendable {
    private var storage: [Message] = []
    private var head = 0
    /// The sequence number of the oldest retained event (``lastSeq`` + 1 when empty).
    public private(set) var firstSeq: UInt64 = 1
    /// The sequence number of the newest event ever appended (0 before the first).
    public private(set) var lastSeq: UInt64 = 0

    /// An empty log; the first event gets seq 1.
    public init() {}

    /// The number of retained (unacknowledged) events.
    public var count: Int { storage.count - head }

    /// Stamps `event` with the next sequence number, retains it and returns the stamped event.
    public mutating func append(_ event: Message) -> Message {
        lastSeq += 1
        let stamped = event.settingEventSeq(lastSeq)
        storage.append(stamped)
        return stamped
    }

    /// Forgets every event up to and including `seq` (a cumulative ack).
    public mutating func acknowledge(through seq: UInt64) {
        while firstSeq <= min(seq, lastSeq) { dropFirst() }
    }

    /// Drops the oldest events until at most `capacity` remain. Dropped events can no longer
    /// be replayed (SESSION-33).
    public mutating func truncate(toCapacity capacity: Int) {
        while count > capacity { dropFirst() }
    }

    /// The retained events after `seq`, in order, or `nil` if some of them are no longer
    /// retained (the client would be left with a gap, SESSION-16).
    public func events(after seq: UInt64) -> ArraySlice<Message>? {
        guard seq + 1 >= firstSeq, seq <= lastSeq else { return nil }
        return storage[(head + Int(seq + 1 - firstSeq))...]
    }

    private mutating func dropFirst() {
        head += 1
        firstSeq += 1
        if head >= 64 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
