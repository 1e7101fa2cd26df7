import BenchSupport
import Dispatch
import Glibc
import ParleyCore
import ParleyServer

/// One case of the `store` suite: a fresh ``ParleyServer`` in process (with `store`, counted,
/// or none) and `visitors` anonymous visitors with a conversation each, who send for a warm-up
/// then a measured window, closed loop or paced.
struct StoreCase {
    static let warmUpNanoseconds: UInt64 = 1_000_000_000
    static let measuredNanoseconds: UInt64 = 5_000_000_000

    /// What a case measured.
    struct Result {
        /// `ok`s received in the measured window, per second.
        var messagesPerSecond: Double
        /// Latencies of those `ok`s, sorted, in nanoseconds.
        var latencies: [UInt64]
        /// The store's writes during the window (`nil` without a store).
        var writes: CountingStore.Counts?
        /// Heap allocations in the window (every thread) per `ok`.
        var allocationsPerMessage: Double
        /// Error replies, the first one's text, and connections the server closed.
        var errors: Int
        var firstError: String?
        var closedConnections: Int

        /// The `q` quantile of the latencies, in milliseconds.
        func milliseconds(_ q: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            return Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))]) / 1e6
        }
    }

    private let server: ParleyServer
    private let store: CountingStore?
    private let run: StoreRun
    private let visitors: [StoreVisitor]

    /// Starts a server (with `store` wrapped in a ``CountingStore``) and connects `visitors`
    /// visitors; returns once each has its conversation. `serial` names this server's
    /// conversations apart from other cases' in a shared database.
    init(store: (any DurableStore)?, visitors count: Int, closedLoop: Bool, serial: Int) {
        var session = SessionConfiguration()
        session.messageRate = 1_000_000_000
        session.messageBurst = 1_000_000
        var chat = LiveChatConfiguration()
        chat.answerTimeoutMs = 0
        chat.inactivityTimeoutMs = 0
        chat.conversationPrefix = "sb\(serial)x"
        let configuration = ServerConfiguration(
            key: Array("store bench key, thirty-two byte".utf8), instance: "sb\(serial)", teams: ["support"], session: session, chat: chat)
        self.store = store.map { CountingStore(wrapping: $0) }
        let server = ParleyServer(configuration: configuration, store: self.store)
        let run = StoreRun(closedLoop: closedLoop)
        self.server = server
        self.run = run
        visitors = (0..<count).map { _ in StoreVisitor(server: server, run: run) }
        if run.ready.wait(timeout: .now() + .seconds(120)) == .timedOut { print("  (not every visitor got its conversation in 120 s)") }
    }

    /// Each visitor keeps one send outstanding: warm-up, measured window, then waits for the
    /// last `ok`s.
    func closedLoop() -> Result {
        for visitor in visitors { run.queue.async { visitor.send() } }
        return measure { wait(until: $0) }
    }

    /// `rate` messages per second in all, round robin over the visitors, each sent when due
    /// whatever is outstanding (open loop); latency runs from the time it was due.
    func paced(rate: Int) -> Result {
        let interval = UInt64(1_000_000_000 / rate)
        var due = DispatchTime.now().uptimeNanoseconds
        var index = 0
        return measure { end in
            while due < end {
                wait(until: due)
                visitors[index % visitors.count].send(due: due)
                index += 1
                due += interval
            }
        }
    }

    /// Runs `load` until the end of the warm-up, then until the end of the measured window
    /// (`load` returns at the time it is given), then waits for outstanding sends and
    /// disconnects.
    private func measure(_ load: (_ until: UInt64) -> Void) -> Result {
        load(DispatchTime.now().uptimeNanoseconds + Self.warmUpNanoseconds)
        run.phase.store(1, ordering: .relaxed)
        let start = DispatchTime.now().uptimeNanoseconds
        let startAllocations = allocationsSoFar()
        let startWrites = store?.counts
        load(start + Self.measuredNanoseconds)
        run.phase.store(2, ordering: .relaxed)
        let end = DispatchTime.now().uptimeNanoseconds
        let allocations = allocationsSoFar() - startAllocations
        let writes = store?.counts
        let waitEnd = end + 30_000_000_000
        while visitors.contains(where: { $0.outstanding > 0 }) && DispatchTime.now().uptimeNanoseconds < waitEnd { usleep(1_000) }
        var latencies: [UInt64] = []
        var result = Result(messagesPerSecond: 0, latencies: [], writes: nil, allocationsPerMessage: 0, errors: 0, closedConnections: 0)
        for visitor in visitors {
            let outcome = visitor.results
            latencies += outcome.latencies
            result.errors += outcome.errors
            result.firstError = result.firstError ?? outcome.firstError
            if outcome.closed { result.closedConnections += 1 }
            visitor.disconnect()
        }
        latencies.sort()
        result.latencies = latencies
        result.messagesPerSecond = Double(latencies.count) / (Double(end - start) / 1e9)
        result.allocationsPerMessage = Double(allocations) / Double(max(latencies.count, 1))
        if let writes, let startWrites { result.writes = writes.since(startWrites) }
        return result
    }

    private func wait(until deadline: UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard deadline > now else { return }
        var time = timespec(tv_sec: Int((deadline - now) / 1_000_000_000), tv_nsec: Int((deadline - now) % 1_000_000_000))
        nanosleep(&time, nil)
    }
}
