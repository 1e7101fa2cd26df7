import Dispatch
import ParleyClient
import ParleyCore
import ParleyTransport
import ParleyWire
import Synchronization

/// What the visitors of one `store` case share: the phase of the run (only `ok`s received while
/// measuring are recorded), whether each `ok` starts the next send (closed loop), and the
/// count of visitors that have their conversation.
final class StoreRun: Sendable {
    /// Warm-up (0), measuring (1), stopping (2: closed-loop visitors send nothing more).
    let phase = Atomic<Int>(0)
    /// Closed loop: every `ok` hands the visitor's next send to ``queue``.
    let closedLoop: Bool
    /// Visitors whose conversation is created (`enter` at connect, `leave` at its `ok`).
    let ready = DispatchGroup()
    /// Where sends started by an `ok` run: never on the server's lock, where `ok` arrives.
    let queue = DispatchQueue.global()

    /// A run whose visitors send in a closed loop or when told (paced).
    init(closedLoop: Bool) { self.closedLoop = closedLoop }

    var measuring: Bool { phase.load(ordering: .relaxed) == 1 }
    var stopping: Bool { phase.load(ordering: .relaxed) == 2 }
}

/// One anonymous visitor on an ``InProcessConnection``: says hello, creates a conversation,
/// then sends messages, each with a unique `clientMessageId`, recording every `send` → `ok`
/// latency received while the run measures. It acknowledges its events every
/// ``ackEvery`` so its session never nears the retained-events bound.
///
/// Its callbacks run under the server's lock, so nothing is sent from them directly: the
/// handshake's next step and the closed loop's next send go through ``StoreRun/queue``.
final class StoreVisitor: Sendable {
    static let ackEvery: UInt64 = 32

    private struct State {
        var conversation: String?
        var rid: UInt64 = 2
        /// Sends awaiting their `ok`: request id → start (or due) time in nanoseconds.
        var outstanding: [UInt64: UInt64] = [:]
        var lastSeq: UInt64 = 0
        var ackedSeq: UInt64 = 0
        /// Latencies in nanoseconds of the `ok`s received while measuring.
        var latencies: [UInt64] = []
        var errors = 0
        var firstError: String?
        var closed = false
    }

    private let run: StoreRun
    private let state = Mutex(State())
    private let connection = Mutex<InProcessConnection?>(nil)

    /// Connects to `server` and says hello; ``StoreRun/ready`` is left once the conversation
    /// exists.
    init(server: any ConnectionAcceptor, run: StoreRun) {
        self.run = run
        run.ready.enter()
        let connection = InProcessConnection.connect(
            to: server, onMessage: { [weak self] in self?.received($0) }, onClose: { [weak self] in self?.closed() })
        self.connection.withLock { $0 = connection }
        connection.send(.hello(Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "anonymous"))))
    }

    /// Sends the next message; `due` (a `DispatchTime` in nanoseconds) is when it was due, for
    /// a paced sender, so that a late send shows as latency. Acknowledges events first when
    /// ``ackEvery`` are unacknowledged. Closed-loop visitors send nothing once the run stops.
    func send(due: UInt64? = nil) {
        let next: (ack: UInt64?, send: Wire.Send)? = state.withLock { state in
            guard let conversation = state.conversation, !state.closed, !(run.closedLoop && run.stopping) else { return nil }
            var ack: UInt64?
            if state.lastSeq >= state.ackedSeq + Self.ackEvery {
                ack = state.lastSeq
                state.ackedSeq = state.lastSeq
            }
            state.rid += 1
            state.outstanding[state.rid] = due ?? DispatchTime.now().uptimeNanoseconds
            return (ack, Wire.Send(rid: state.rid, conversation: conversation, clientMessageId: "m\(state.rid)", text: "hello from a benchmark"))
        }
        guard let next, let connection = connection.withLock({ $0 }) else { return }
        if let ack = next.ack { connection.send(.ack(Wire.Ack(seq: ack))) }
        connection.send(.send(next.send))
    }

    /// Sends still waiting for their `ok`.
    var outstanding: Int { state.withLock { $0.outstanding.count } }

    /// The latencies recorded while measuring, in nanoseconds, the error replies received and
    /// the first one's text, and whether the server closed the connection.
    var results: (latencies: [UInt64], errors: Int, firstError: String?, closed: Bool) {
        state.withLock { ($0.latencies, $0.errors, $0.firstError, $0.closed) }
    }

    /// Drops the connection.
    func disconnect() { connection.withLock { $0 }?.disconnect() }

    private func received(_ message: Message) {
        let now = DispatchTime.now().uptimeNanoseconds
        switch message {
        case .welcome:
            run.queue.async { self.create() }
        case .ok(let ok):
            let sent: Bool = state.withLock { state in
                if ok.rid == 2 {
                    state.conversation = ok.conversation
                    return false
                }
                guard let start = state.outstanding.removeValue(forKey: ok.rid) else { return false }
                if run.measuring { state.latencies.append(now &- start) }
                return true
            }
            if ok.rid == 2 { run.ready.leave() }
            if sent && run.closedLoop { run.queue.async { self.send() } }
        case .error(let error):
            let sent: Bool = state.withLock { state in
                state.errors += 1
                if state.firstError == nil { state.firstError = "\(error.code): \(error.message)" }
                return error.rid.map { state.outstanding.removeValue(forKey: $0) != nil } ?? false
            }
            if error.rid == 2 { run.ready.leave() }
            if sent && run.closedLoop { run.queue.async { self.send() } }
        case .event(let event):
            state.withLock { $0.lastSeq = max($0.lastSeq, event.seq) }
        case .ping(let ping):
            run.queue.async { self.connection.withLock { $0 }?.send(.pong(Wire.Pong(nonce: ping.nonce))) }
        default:
            break
        }
    }

    private func create() {
        connection.withLock { $0 }?.send(.create(Wire.Create(rid: 2)))
    }

    private func closed() {
        state.withLock { $0.closed = true }
    }
}
