/// A binary min-heap of `(deadline, key)` pairs: the timer wheel of a sans-I/O machine.
///
/// Machines keep one entry per record that needs waking and validate entries lazily when they
/// come due (the record remembers which deadline it queued), so cancelling a timer costs
/// nothing and a stale entry is simply skipped.
///
/// - Complexity: `push` and `popDue` are O(log n); `earliest` is O(1).
public struct DeadlineQueue<Key>: Sendable where Key: Sendable {
    private var entries: [(deadline: Instant, key: Key)] = []

    /// An empty queue.
    public init() {}

    /// The number of queued entries, stale ones included.
    public var count: Int { entries.count }

    /// The earliest queued deadline, if any.
    public var earliest: Instant? { entries.first?.deadline }

    /// Reserves room for `capacity` entries so a large machine does not regrow its heap.
    public mutating func reserveCapacity(_ capacity: Int) { entries.reserveCapacity(capacity) }

    /// Queues `key` to come due at `deadline`.
    public mutating func push(_ deadline: Instant, _ key: Key) {
        entries.append((deadline, key))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if its deadline is at or before `now`.
    public mutating func popDue(now: Instant) -> (deadline: Instant, key: Key)? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return first }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { break }
            let right = left + 1
            let smaller = right < entries.count && entries[right].deadline < entries[left].deadline ? right : left
            guard entries[smaller].deadline < entries[parent].deadline else { break }
            entries.swapAt(parent, smaller)
            parent = smaller
        }
        return first
    }
}
