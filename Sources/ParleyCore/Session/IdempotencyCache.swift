import ParleyWire

/// Remembers the outcome of commands by (user, clientMessageId) so that a retransmission is
/// answered with the original result instead of being executed twice (SESSION-22…25).
///
/// Shared by every session of a user (it lives in the ``SessionRegistry``), so a visitor who
/// resends after a new session still gets the original result within the window.
public struct IdempotencyCache: Sendable {
    /// The key: a user's client message id.
    public struct Key: Sendable, Hashable {
        /// The authenticated user.
        public var user: String
        /// The client's idempotency key.
        public var clientMessageId: String
    }

    /// What a lookup found.
    public enum Lookup: Sendable, Hashable {
        /// Never seen (or forgotten): execute the command.
        case new
        /// Done before with the same content: answer this original result (duplicate).
        case duplicate(Wire.Ok)
        /// Seen with the same content but still being executed.
        case inProgress
        /// Seen with different content: IDEMPOTENCY_CONFLICT.
        case conflict
    }

    private struct Entry: Sendable {
        /// The content's hash; `nil` for an entry restored after a restart, whose content's hash
        /// (a process's own) is not known: any content with its key is the same command then.
        var fingerprint: Int?
        var result: Wire.Ok?
        var expiresAt: Instant
    }

    private var entries: [Key: Entry] = [:]
    private var expiry: [(deadline: Instant, key: Key)] = []
    private var expiryHead = 0
    private let windowMs: UInt64

    /// An empty cache whose entries live `windowMs` after their last change.
    public init(windowMs: UInt64) { self.windowMs = windowMs }

    /// The number of remembered keys.
    public var count: Int { entries.count }

    /// Looks `key` up for a command whose content (apart from its rid) hashes to `fingerprint`.
    public func lookup(_ key: Key, fingerprint: Int) -> Lookup {
        guard let entry = entries[key] else { return .new }
        guard entry.fingerprint.map({ $0 == fingerprint }) ?? true else { return .conflict }
        return entry.result.map(Lookup.duplicate) ?? .inProgress
    }

    /// Records that the command for `key` is being executed.
    public mutating func begin(_ key: Key, fingerprint: Int, now: Instant) {
        entries[key] = Entry(fingerprint: fingerprint, result: nil, expiresAt: schedule(key, now: now))
    }

    /// Remembers a command accepted before a restart, from the event it wrote (STORE-6): a
    /// re-send of its key within the window gets `result` again. Call in the order of `at`,
    /// before any other input.
    public mutating func restore(_ key: Key, result: Wire.Ok, at: Instant) {
        entries[key] = Entry(fingerprint: nil, result: result, expiresAt: schedule(key, now: at))
    }

    /// Records the command's result: an `ok` is remembered for the window; any other result
    /// means the command had no effect, so the key is forgotten and a retry executes anew.
    public mutating func finish(_ key: Key, result: Message, now: Instant) {
        guard var entry = entries[key] else { return }
        guard case .ok(let ok) = result else {
            entries[key] = nil
            return
        }
        entry.result = ok
        entry.expiresAt = schedule(key, now: now)
        entries[key] = entry
    }

    /// Forgets every entry whose window has passed at `now`.
    public mutating func expire(now: Instant) {
        while expiryHead < expiry.count, expiry[expiryHead].deadline <= now {
            let key = expiry[expiryHead].key
            if let entry = entries[key], entry.expiresAt <= now { entries[key] = nil }
            expiryHead += 1
        }
        if expiryHead >= 64 && expiryHead * 2 >= expiry.count {
            expiry.removeFirst(expiryHead)
            expiryHead = 0
        }
    }

    /// The earliest instant at which ``expire(now:)`` has something to do.
    public var nextDeadline: Instant? { expiryHead < expiry.count ? expiry[expiryHead].deadline : nil }

    private mutating func schedule(_ key: Key, now: Instant) -> Instant {
        let deadline = now.adding(milliseconds: windowMs)
        expiry.append((deadline, key))
        return deadline
    }
}
