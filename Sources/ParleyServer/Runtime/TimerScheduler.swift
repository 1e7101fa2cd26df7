import Dispatch
import ParleyCore

/// Runs a callback at (or soon after) an instant: how the server's one timer is armed.
public protocol TimerScheduler: Sendable {
    /// Calls `body` once `deadline` has passed on `clock`.
    func schedule(at deadline: Instant, now: Instant, _ body: @escaping @Sendable () -> Void)
}

/// Schedules on a Dispatch queue (the default for a server that runs on the real clock).
public struct DispatchTimerScheduler: TimerScheduler {
    private let queue: DispatchQueue

    /// Schedules on `queue` (a private serial queue by default).
    public init(queue: DispatchQueue = DispatchQueue(label: "parley.timers")) { self.queue = queue }

    public func schedule(at deadline: Instant, now: Instant, _ body: @escaping @Sendable () -> Void) {
        let delay = deadline.milliseconds(since: now)
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(clamping: delay)), execute: body)
    }
}
