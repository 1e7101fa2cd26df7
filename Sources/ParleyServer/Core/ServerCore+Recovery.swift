import ParleyCore

extension ServerCore {
    /// Starts again from what the store kept (STORE-6), before the first connection: the
    /// live-chat core rebuilds conversations, queues, routing and timers. Nobody is connected:
    /// agents with conversations are in their disconnect grace period (ROUTE-10), visitors with a
    /// queued conversation have the resume window to come back (CONV-8). Sessions did not
    /// survive: a client resuming one is told it ended (SESSION-16) and reads what it missed
    /// with `history`; a message or note re-sent with its client message id within the
    /// idempotency window gets its original `ok` (SESSION-22).
    ///
    /// - Returns: what was rebuilt, and the outputs to perform (the timers' effects come later).
    public mutating func recover(_ state: RecoveredState, now: Instant) -> (Recovery, [ServerOutput]) {
        let (recovery, actions) = chat.recover(state, absentVisitorGraceMs: configuration.session.resumeWindowMs, now: now)
        tell(.restoreIdempotency(state.events))
        apply(actions, now: now)
        return (recovery, emit(now: now))
    }
}
