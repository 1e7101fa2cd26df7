import NIOCore
import NIOWebSocket
import ParleyCore
import ParleyWire

/// One load-generator connection speaking Parley: requests with rids and their results, acks
/// of every sequenced event, pongs; what it measures (a subscriber's probes) goes to its
/// ``ConnectionMeter``. Deliveries are scanned, not decoded (``InboundScan``, ``Probe``).
///
/// A peer is confined to its channel's event loop: the handlers call it there, and the run
/// reaches it through ``run(_:)``.
final class BenchPeer: @unchecked Sendable {
    /// How messages are framed and encoded on this connection.
    enum Framing: Sendable {
        case stream, webSocketBinary, webSocketJSON
    }

    let channel: any Channel
    let framing: Framing
    /// What this connection measures, and whether it closed.
    let meter: ConnectionMeter
    private let stats: LoopStats
    /// Results whose rid no ``request(_:)`` waits for (a publisher's sends).
    var resultSink: ((UInt64, Message) -> Void)?
    /// The code of the goodbye or fatal error that closed the connection, if any.
    private(set) var closeCode: UInt64?
    /// Whether the connection closed.
    var isClosed: Bool { meter.isClosed }
    /// Called with the welcome, on the loop, before any message behind it is read.
    var onWelcome: ((Wire.Welcome) -> Void)?

    private var nextRID: UInt64 = 1
    private var waiters: [UInt64: EventLoopPromise<Message>] = [:]
    private var lastSeq: UInt64 = 0
    private var ackedSeq: UInt64 = 0
    private var scratch: [UInt8] = []

    init(channel: any Channel, framing: Framing, meter: ConnectionMeter, stats: LoopStats) {
        self.channel = channel
        self.framing = framing
        self.meter = meter
        self.stats = stats
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

    /// One message from the server (on the loop).
    func receive(_ payload: UnsafeRawBufferPointer) {
        if let seq = InboundScan.sequenced(payload, json: framing == .webSocketJSON) {
            noteSequence(seq)
            meter.receive(payload)
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
            stats.recorded.sessionRepeats += 1
            return
        }
        if seq > lastSeq + 1 { stats.recorded.sessionGaps += 1 }
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
        case .welcome(let welcome):
            onWelcome?(welcome)
            waiters.removeValue(forKey: welcome.rid)?.succeed(message)
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
        meter.readComplete()
    }

    /// The connection closed (on the loop): pending requests fail.
    func closed() {
        meter.closed()
        for waiter in waiters.values { waiter.fail(BenchError.connectionClosed(closeCode)) }
        waiters.removeAll()
    }

    /// Says goodbye and closes (on the loop).
    func leave() {
        meter.expectOpen = false
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
    /// A server broke its own protocol (bytes the bench's parser of it cannot take).
    case malformed(String)

    public var description: String {
        switch self {
        case .connectionClosed(let code):
            "connection closed" + (code.map { " (\(ErrorCode(rawValue: UInt32($0)).name))" } ?? "")
        case .refused(let step, let code, let message): "\(step) refused: \(ErrorCode(rawValue: UInt32(code)).name): \(message)"
        case .unexpected(let step, let message): "\(step): unexpected \(message.name)"
        case .invalid(let text): text
        case .malformed(let text): "malformed reply: \(text)"
        }
    }
}
