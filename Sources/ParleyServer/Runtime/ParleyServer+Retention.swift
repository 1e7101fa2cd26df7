import ParleyCore

/// Data the host removes: a visitor's, on a privacy request (STORE-8), and archived
/// conversations past the retention period (STORE-7).
extension ParleyServer {
    /// Erases everything of `visitor`: the conversations in memory at once (open ones leave
    /// their queue or agent), and in the store through the same ordered writes as every other
    /// change, so no later write brings them back. The store's archived conversations of the
    /// visitor are listed first and counted by ``ServerCore/eraseVisitor(_:archived:now:)``, as
    /// for a supervisor's `eraseVisitor` (CONV-37). It returns once memory is erased; the store's
    /// erasure follows the writes before it.
    ///
    /// - Returns: what was removed: the conversations in memory and those only the store held.
    /// - Throws: the store's error when it cannot list the visitor's archived conversations;
    ///   nothing was erased then.
    public func eraseVisitor(_ visitor: String) async throws -> Erasure {
        let archived = try await store?.load(.visitor(visitor))
        return run { state, now in state.core.eraseVisitor(visitor, archived: archived, now: now) }
    }

    /// Removes the archived conversations that ended more than `days` days ago, with their
    /// events (STORE-7); without a store, the archive in memory is kept.
    ///
    /// - Returns: how many conversations were removed.
    public func purgeArchive(olderThanDays days: Int) async throws -> Int {
        guard let store else { return 0 }
        let cutoff = Instant(rawValue: clock().rawValue - min(clock().rawValue, UInt64(days) * 86_400_000))
        return try await store.purge(endedBefore: cutoff)
    }
}
