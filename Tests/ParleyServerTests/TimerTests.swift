import ParleyCore
import ParleyClient
import ParleyServer
import ParleyWire
import Synchronization
import Testing

/// The runtime's one timer: a scheduler that fires a little early must not lose the deadline
/// (found by the conformance suite as lost presence updates, PRES-17).
@Suite struct TimerTests {
    /// Test code: a clock the test moves and a scheduler that keeps the callbacks for the test to run.
    final class ManualTime: TimerScheduler, @unchecked Sendable {
        let now = Mutex(Instant(milliseconds: 1_800_000_000_000))
        let scheduled = Mutex<[(deadline: Instant, body: @Sendable () -> Void)]>([])

        func schedule(at deadline: Instant, now: Instant, _ body: @escaping @Sendable () -> Void) {
            scheduled.withLock { $0.append((deadline, body)) }
        }

        /// Runs the earliest scheduled callback with the clock set `early` ms before its deadline.
        func fireEarliest(early: UInt64) {
            let next = scheduled.withLock { list -> (deadline: Instant, body: @Sendable () -> Void)? in
                guard let index = list.indices.min(by: { list[$0].deadline < list[$1].deadline }) else { return nil }
                return list.remove(at: index)
            }
            guard let next else { return }
            now.withLock { $0 = Instant(rawValue: next.deadline.rawValue - early) }
            next.body()
        }
    }

    @Test("a callback that fires 1 ms early still closes a silent connection at its handshake deadline (SESSION-3)")
    func earlyCallbackKeepsDeadline() {
        let time = ManualTime()
        var session = SessionConfiguration()
        session.handshakeTimeoutMs = 1_000
        let server = ParleyServer(
            configuration: ServerConfiguration(key: Array(repeating: 7, count: 32), session: session),
            clock: { time.now.withLock { $0 } }, scheduler: time)
        let received = Mutex<[Message]>([])
        let closed = Mutex(false)
        _ = InProcessConnection.connect(
            to: server, onMessage: { message in received.withLock { $0.append(message) } },
            onClose: { closed.withLock { $0 = true } })
        for _ in 0..<3 where !closed.withLock({ $0 }) { time.fireEarliest(early: 1) }
        #expect(closed.withLock { $0 })
        #expect(received.withLock { $0 }.contains {
            if case .error(let e) = $0 { ErrorCode(rawValue: UInt32(e.code)) == .handshakeTimeout } else { false }
        })
    }
}
