import BenchSupport
import ParleyCore
import ParleyWire
import Synchronization

/// `fanout`: deliveries per second of the server's fan-out path, for 1→10, 1→1,000 and
/// 1→100,000 sessions with ~100 B and ~1 KB message events. A publish is one `SharedEvent`
/// (encoded once) offered to every recipient session; each connection's transport then writes
/// what it was handed as frames into a reused buffer, and the client acks. Measured: the
/// shipped unit, `session` — `SessionRegistry.enqueue` into the session's `OutboundLog`, then
/// that connection's `ServerSession.flushEvents` (what `ServerCore.publish` does per recipient),
/// the `.sendEvent` actions kept in an outbox and written as `NIOTransport` writes them, acks
/// through `ServerSession.receive` — against two baselines measured in the same run:
/// - `naive`: one lock, and per subscriber a fresh encoding of the whole message (envelope with
///   that session's seq, then the body) copied into its queue, then into the transport's buffer;
/// - `ring`: a bare ring of shared references per subscriber and the same framed writes, with
///   no bounds, acks or session (the practical limit).
///
/// Then allocations per publish at each fan-out, and one stalled session among 1,000.
/// Not measured: `ServerCore`'s lock and inbox, and the transport's outbox mutex and socket.
/// The log is not timed on its own: called from this module its generic methods run
/// unspecialized (a metadata lookup per call), which the registry inside `ParleyCore` never does.
struct FanOutBench: BenchSuite {
    let name = "fanout"

    func run() {
        var report = Report("fanout: deliveries (publish into every session's log, framed write, ack)")
        var allocationLines: [String] = []
        for textLength in [40, 940] {
            let event = BenchEvent(textLength: textLength)
            for sessions in [10, 1_000, 100_000] {
                let plan = FanOutPlan(sessions: sessions)
                let label = "1→\(sessions) \(event.bodySize) B"
                let naive = measureNaive(label, event, plan)
                let ring = measureRing(label, event, plan)
                let session = measureSessions(label, event, plan)
                report.add(naive)
                report.add(ring)
                report.add(session, against: naive)
                report.add(session, against: ring)
                let perPublish = Double(session.allocations) / Double(plan.publishes)
                allocationLines.append("  \(label): \(fmt(perPublish, 2)) allocations per publish")
            }
        }
        report.print()
        print("\nsession: allocations per publish (HUB-6 asks for a count independent of the number of sessions):")
        for line in allocationLines { print(line) }
        runStalledSession()
    }

    // MARK: The shipped code

    /// The shipped unit: the registry and one `ServerSession` per connection, driven as
    /// `ServerCore.publish` and the transport drive them.
    private func measureSessions(_ label: String, _ event: BenchEvent, _ plan: FanOutPlan) -> Measurement {
        var server = SessionServer(sessions: plan.sessions)
        return measure("session " + label, operations: plan.deliveries, repetitions: 3) {
            for _ in 0..<plan.rounds {
                for _ in 0..<plan.perRound { server.publish(event.shared()) }
                server.writeAndAck()
            }
        }
    }

    // MARK: Baselines

    private func measureNaive(_ label: String, _ event: BenchEvent, _ plan: FanOutPlan) -> Measurement {
        let hub = NaiveHub(subscribers: plan.sessions)
        var bytes: [UInt8] = []
        return measure("naive " + label, operations: plan.deliveries, repetitions: 3) {
            for _ in 0..<plan.rounds {
                for _ in 0..<plan.perRound { hub.publish(event) }
                for index in 0..<plan.sessions { hub.drain(index, into: &bytes) }
            }
        }
    }

    private func measureRing(_ label: String, _ event: BenchEvent, _ plan: FanOutPlan) -> Measurement {
        var rings = (0..<plan.sessions).map { _ in BareRing() }
        var bytes: [UInt8] = []
        return measure("ring " + label, operations: plan.deliveries, repetitions: 3) {
            for _ in 0..<plan.rounds {
                for _ in 0..<plan.perRound {
                    let shared = event.shared()
                    for index in rings.indices { rings[index].append(shared) }
                }
                for index in rings.indices { rings[index].drain(into: &bytes) }
            }
        }
    }

    // MARK: One stalled session among 1,000

    /// 1,000 sessions of the shipped unit with the default limits, one of which never acks: it is
    /// closed with SLOW_CONSUMER and stops retaining at its bound; the others must not slow down.
    private func runStalledSession() {
        let event = BenchEvent(textLength: 40)
        let plan = FanOutPlan(sessions: 1_000, deliveries: 4_000_000)
        var stalledStatistics: (lastSeq: UInt64, retained: Int)?
        var stalledClosed = false
        func run(stalled: Bool) -> Measurement {
            var server = SessionServer(sessions: plan.sessions, stalled: stalled ? 0 : nil)
            let name = stalled ? "999 healthy + 1 stalled (1→1000 \(event.bodySize) B)" : "1000 healthy (1→1000 \(event.bodySize) B)"
            let result = measure(name, operations: plan.deliveries, repetitions: 3) {
                for _ in 0..<plan.rounds {
                    for _ in 0..<plan.perRound { server.publish(event.shared()) }
                    server.writeAndAck()
                }
            }
            if stalled {
                stalledStatistics = server.registry.sequence(of: server.sessionIDs[0])
                stalledClosed = server.closed[0]
            }
            return result
        }
        let healthy = run(stalled: false)
        let withStalled = run(stalled: true)
        var report = Report("fanout: one stalled session among 1,000 (session layer)")
        report.add(healthy)
        report.add(withStalled, against: healthy)
        report.print()
        let limits = SessionConfiguration().eventLimits
        if let s = stalledStatistics {
            print(
                "stalled session: \(s.retained) events retained, last seq \(s.lastSeq) (disconnect bound "
                    + "\(limits.disconnect.events), retention \(limits.retention.events), later events not retained), "
                    + "closed with SLOW_CONSUMER: \(stalledClosed)")
        }
    }
}

/// What the transport does with a connection's outbox (`NIOTransport.drain`, byte-stream
/// binding, no compression): each event's envelope and shared body appended as a frame to one
/// buffer, reused here as the socket write would consume it.
private enum Transport {
    /// Writes and empties `outbox`; returns the last sequence number written (what the client acks).
    static func write(_ outbox: inout [Delivery<SharedEvent>], into bytes: inout [UInt8]) -> UInt64 {
        bytes.removeAll(keepingCapacity: true)
        for delivery in outbox {
            delivery.payload.append(seq: delivery.seq, encoding: .binary, framed: true, to: &bytes)
        }
        let last = outbox.last?.seq ?? 0
        outbox.removeAll(keepingCapacity: true)
        return last
    }
}

/// The session layer of a server with `sessions` established connections, all recipients of
/// every publish: a `SessionRegistry`, a `ServerSession` per connection (through a real
/// handshake), and an outbox per connection.
private struct SessionServer {
    private(set) var registry: SessionRegistry
    private var machines: [ServerSession] = []
    private(set) var sessionIDs: [String] = []
    /// The sessions' handles, as the server's users hold them.
    private var sessionHandles: [SessionHandle] = []
    private var outboxes: [[Delivery<SharedEvent>]]
    /// Whether the session layer closed each connection.
    private(set) var closed: [Bool]
    private var bytes: [UInt8] = []
    private let stalled: Int?
    private let now = Instant(milliseconds: 1_763_800_000_000)

    init(sessions: Int, stalled: Int? = nil) {
        let configuration = SessionConfiguration()
        let shared = SharedSessionConfiguration(configuration)
        registry = SessionRegistry(configuration: configuration, key: Array(repeating: 7, count: 32), instance: "bench")
        outboxes = Array(repeating: [], count: sessions)
        closed = Array(repeating: false, count: sessions)
        self.stalled = stalled
        for index in 0..<sessions {
            var machine = ServerSession(connection: ConnectionID(rawValue: UInt64(index)), configuration: shared, now: now)
            _ = machine.start(now: now)
            let hello = Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "bench"))
            _ = machine.receive(.hello(hello), now: now, registry: &registry)
            let identity = AuthenticatedIdentity(identity: Wire.Identity(user: "observer-\(index)", role: .supervisor))
            _ = machine.authenticated(.success(identity), now: now, registry: &registry)
            guard let session = machine.session, let handle = registry.handle(of: session) else {
                fatalError("the bench handshake did not establish a session")
            }
            machines.append(machine)
            sessionIDs.append(session)
            sessionHandles.append(handle)
        }
    }

    /// `ServerCore.publish` for one event whose recipients are every session.
    mutating func publish(_ event: SharedEvent) {
        for handle in sessionHandles {
            guard let connection = registry.enqueue(event, to: handle) else { continue }
            let actions = machines[Int(connection.rawValue)].flushEvents(now: now, registry: &registry)
            take(actions, on: Int(connection.rawValue))
        }
    }

    /// Every connection's transport writes its outbox; every client but the stalled one acks it.
    mutating func writeAndAck() {
        for index in outboxes.indices {
            let lastSeq = Transport.write(&outboxes[index], into: &bytes)
            guard index != stalled, lastSeq > 0 else { continue }
            let actions = machines[index].receive(.ack(Wire.Ack(seq: lastSeq)), now: now, registry: &registry)
            take(actions, on: index)
        }
    }

    private mutating func take(_ actions: [ServerSession.Action], on index: Int) {
        for action in actions {
            switch action {
            case .sendEvent(let delivery): outboxes[index].append(delivery)
            case .close: closed[index] = true
            case .send, .resyncEphemeral, .armTimer, .authenticate, .dispatch, .replace: break
            }
        }
    }
}

/// How a fan-out run is cut: `perRound` publishes, then every connection writes and acks,
/// repeated. Fewer publishes per round at large fan-outs keep the naive hub's per-subscriber
/// copies small.
private struct FanOutPlan {
    let sessions: Int
    let perRound: Int
    let rounds: Int

    init(sessions: Int, deliveries: Int = 1_600_000) {
        self.sessions = sessions
        self.perRound = max(2, min(16, 32_000 / sessions))
        self.rounds = max(1, deliveries / (sessions * perRound))
    }

    var publishes: Int { perRound * rounds }
    var deliveries: Int { publishes * sessions }
}

/// A conversation message event of about 100 B or 1 KB in the binary encoding.
private struct BenchEvent {
    let message: Message
    let bodySize: Int

    init(textLength: Int) {
        message = .event(Wire.Event(seq: 0, event: Wire.ConversationEvent(
            conversation: "c-0123456789", cseq: 1_234, kind: .message, time: 1_763_800_000_000, sender: "agent-42",
            senderRole: .agent, text: String(repeating: "x", count: textLength), clientMessageId: "m-0123456789")))
        bodySize = SharedEvent(message).binaryBody.count
    }

    /// The event encoded once for all its recipients, as the server publishes it.
    func shared() -> SharedEvent { SharedEvent(message) }
}

/// The naive hub: one lock around everything, and per subscriber a fresh encoding of the whole
/// message (envelope with that session's sequence number, then the body) as a frame copied into
/// its queue; a drain copies the queue into the transport's buffer.
private final class NaiveHub: Sendable {
    private struct State {
        var queues: [[UInt8]]
        var seqs: [UInt64]
    }
    private let state: Mutex<State>

    init(subscribers: Int) {
        state = Mutex(State(queues: Array(repeating: [], count: subscribers), seqs: Array(repeating: 0, count: subscribers)))
    }

    func publish(_ event: BenchEvent) {
        guard case .event(let body) = event.message else { return }
        state.withLock { state in
            for index in state.queues.indices {
                state.seqs[index] += 1
                var stamped = body
                stamped.seq = state.seqs[index]
                Frame.encode(.event(stamped), into: &state.queues[index])
            }
        }
    }

    func drain(_ index: Int, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        state.withLock { state in
            bytes.append(contentsOf: state.queues[index])
            state.queues[index].removeAll(keepingCapacity: true)
        }
    }
}

/// The practical limit: a power-of-two ring of shared references per subscriber, no lock, no
/// bounds, no acks; a drain writes each event's frame with a counter for the seq.
private struct BareRing {
    private var slots = ContiguousArray<SharedEvent?>(repeating: nil, count: 16)
    private var head = 0
    private var count = 0
    private var nextSeq: UInt64 = 1

    mutating func append(_ event: SharedEvent) {
        if count == slots.count {
            var larger = ContiguousArray<SharedEvent?>(repeating: nil, count: slots.count * 2)
            for i in 0..<count { larger[i] = slots[(head + i) & (slots.count - 1)] }
            slots = larger
            head = 0
        }
        slots[(head + count) & (slots.count - 1)] = event
        count += 1
    }

    mutating func drain(into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        for i in 0..<count {
            let slot = (head + i) & (slots.count - 1)
            slots[slot]!.append(seq: nextSeq, encoding: .binary, framed: true, to: &bytes)
            nextSeq += 1
            slots[slot] = nil
        }
        head = (head + count) & (slots.count - 1)
        count = 0
    }
}
