import NIOCore
import NIOWebSocket
import ParleyCore
import ParleyWire

/// One load-generator connection speaking the real protocol: requests with rids and their
/// results, acks of every sequenced event, pongs; and, for a subscriber, the measurement of
/// every probe it receives. Deliveries are scanned, not decoded (``InboundScan``, ``Probe``).
///
/// A peer is confined to its channel's event loop: the handlers call it there, and the run
/// reaches it through ``run(_:)``.
final class BenchPeer: @unchecked Sendable {
    /// How messages are framed and encoded on this connection.
    enum Framing: Sendable {
        case stream, webSocketBinary, webSocketJSON
    }

    /// What the run measures on this connection.
    struct Subscription {
        /// The room whose probes it counts.
        var room: Int
        /// A deliberately slow reader: measured apart.
        var slow: Bool
        var ledger = DeliveryLedger()
    }

    let channel: any Channel
    let framing: Framing
    private let stats: LoopStats
    private let counters: RunCounters
    /// Set once the subscriber has joined its room.
    var subscription: Subscription?
    /// Results whose rid no ``request(_:)`` waits for (a publisher's sends).
    var resultSink: ((UInt64, Message) -> Void)?
    /// The code of the goodbye or fatal error that closed the connection, if any.
    private(set) var closeCode: UInt64?
    private(set) var isClosed = false
    /// Whether the run still expects this connection open (a drop is then counted).
    var expectOpen = true

    private var nextRID: UInt64 = 1
    private var waiters: [UInt64: EventLoopPromise<Message>] = [:]
    private var lastSeq: UInt64 = 0
    private var ackedSeq: UInt64 = 0
    private var pendingDelivered = 0
    private var pendingOther = 0
    private var scratch: [UInt8] = []

    init(channel: any Channel, framing: Framing, stats: LoopStats, counters: RunCounters) {
        self.channel = channel
        self.framing = framing
        self.stats = stats
        self.counters = counters
    }

    /// Runs `body` on the peer's loop.
    func run<T: Sendable>(_ body: @escaping @Sendable (BenchPeer) throws -> T) async throws -> T {
        try await channel.eventLoop.submit { try body(self) }.get()
    }

    /// Sends the command `make(rid)` returns and waits for its result.
    func request(_ make: @escaping @Sendable (UInt64) -> Message) async throws -> Message {
        try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<Message> in
            let promise = self.channel.eventLoop.makePromise(of: Message.self)
            guard !self.isClosed else {
                promise.fail(BenchError.connectionClosed(self.closeCode))
                return promise.futureResult
            }
            let rid = self.takeRID()
            self.waiters[rid] = promise
            self.send(make(rid))
            return promise.futureResult
        }.get()
    }

    /// The next request id (on the loop).
    func takeRID() -> UInt64 {
        defer { nextRID += 1 }
        return nextRID
    }

    /// Encodes and writes `message`; flushes unless told not to (on the loop).
    func send(_ message: Message, flush: Bool = true) {
        switch framing {
        case .stream:
            scratch.removeAll(keepingCapacity: true)
            Frame.encode(message, into: &scratch)
            var buffer = channel.allocator.buffer(capacity: scratch.count)
            buffer.writeBytes(scratch)
            channel.write(buffer, promise: nil)
        case .webSocketBinary, .webSocketJSON:
            let bytes = framing == .webSocketJSON ? message.json : message.binary
            var buffer = channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            let frame = WebSocketFrame(
                fin: true, opcode: framing == .webSocketJSON ? .text : .binary, maskKey: .random(), data: buffer)
            channel.write(frame, promise: nil)
        }
        if flush { channel.flush() }
    }

    /// One message from the server, arrived at `now` (on the loop).
    func receive(_ payload: UnsafeRawBufferPointer, now: UInt64) {
        if let seq = InboundScan.sequenced(payload, json: framing == .webSocketJSON) {
            noteSequence(seq)
            guard var sub = subscription, let probe = Probe.find(in: payload), probe.room == sub.room else {
                pendingOther += 1
                return
            }
            sub.ledger.record(probe.index)
            subscription = sub
            let micros = now > probe.intended ? (now - probe.intended) / 1_000 : 0
            if sub.slow {
                stats.slowLatency.record(max(1, micros))
            } else {
                stats.latency.record(max(1, micros))
                stats.lastDelivery = now
                pendingDelivered += 1
            }
            return
        }
        let decoded = Result { () throws(WireError) in
            framing == .webSocketJSON ? try Message.decodeJSON(payload) : try Message.decodeBinary(payload)
        }
        guard case .success(let message) = decoded else { return }
        handle(message)
    }

    private func noteSequence(_ seq: UInt64) {
        if seq <= lastSeq {
            stats.sessionRepeats += 1
            return
        }
        if seq > lastSeq + 1 { stats.sessionGaps += 1 }
        lastSeq = seq
    }

    private func handle(_ message: Message) {
        switch message {
        case .ping(let ping):
            send(.pong(Wire.Pong(nonce: ping.nonce)), flush: false)
        case .goodbye(let goodbye):
            closeCode = goodbye.code
        case .error(let error) where error.rid == nil:
            closeCode = error.code
        default:
            guard let rid = message.resultRID else { return }
            if let waiter = waiters.removeValue(forKey: rid) {
                waiter.succeed(message)
            } else {
                resultSink?(rid, message)
            }
        }
    }

    /// The end of a read batch: acknowledges what arrived (SESSION-11) and publishes the
    /// batch's counts (on the loop).
    func readComplete() {
        if lastSeq > ackedSeq {
            ackedSeq = lastSeq
            send(.ack(Wire.Ack(seq: lastSeq)), flush: false)
        }
        channel.flush()
        if pendingDelivered > 0 {
            counters.delivered.add(pendingDelivered, ordering: .relaxed)
            pendingDelivered = 0
        }
        if pendingOther > 0 {
            counters.otherEvents.add(pendingOther, ordering: .relaxed)
            pendingOther = 0
        }
    }

    /// The connection closed (on the loop): pending requests fail.
    func closed() {
        readComplete()
        isClosed = true
        if expectOpen { counters.dropped.add(1, ordering: .relaxed) }
        for waiter in waiters.values { waiter.fail(BenchError.connectionClosed(closeCode)) }
        waiters.removeAll()
    }

    /// Says goodbye and closes (on the loop).
    func leave() {
        expectOpen = false
        guard !isClosed else { return }
        send(.goodbye(Wire.Goodbye(code: UInt64(ErrorCode.goingAway.rawValue))))
        channel.close(promise: nil)
    }
}

/// Why a run could not go on.
public enum BenchError: Error, Sendable, CustomStringConvertible {
    /// A connection closed (with the server's goodbye or fatal error code, if it sent one).
    case connectionClosed(UInt64?)
    /// The server answered a setup step with an error.
    case refused(step: String, code: UInt64, message: String)
    /// The server answered a setup step with something unexpected.
    case unexpected(step: String, Message)
    /// The options do not make a run.
    case invalid(String)

    public var description: String {
        switch self {
        case .connectionClosed(let code):
            "connection closed" + (code.map { " (\(ErrorCode(rawValue: UInt32($0)).name))" } ?? "")
        case .refused(let step, let code, let message): "\(step) refused: \(ErrorCode(rawValue: UInt32(code)).name): \(message)"
        case .unexpected(let step, let message): "\(step): unexpected \(message.name)"
        case .invalid(let text): text
        }
    }
}
