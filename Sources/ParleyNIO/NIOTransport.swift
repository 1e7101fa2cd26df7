import NIOCore
import ParleyCompression
import ParleyCore
import ParleyServer
import ParleyWire
import Synchronization

/// A ``ConnectionTransport`` over a NIO channel: encodes messages for the channel's binding
/// and coalesces writes.
///
/// Items the server hands over wait in an outbox; the first item of an empty outbox schedules
/// one drain on the channel's event loop, which encodes everything waiting and writes it with a
/// single flush. Under load many publishes thus share one system call per connection.
final class NIOTransport: ConnectionTransport {
    private let channel: Channel
    private let binding: Binding
    private let compression: NIOLoopBound<StreamCompression>?
    private let closeLinger: TimeAmount
    private let outbox = Mutex(Outbox())

    /// Items waiting for the event loop, and whether a drain is already scheduled.
    private struct Outbox: ~Copyable {
        var items: [Outbound] = []
        var scheduled = false
    }

    /// - Parameters:
    ///   - closeLinger: how long a closing connection keeps reading before it closes (ERR-3).
    ///   - compression: the byte stream's per-frame compression state (COMP section).
    init(channel: Channel, binding: Binding, closeLinger: TimeAmount, compression: NIOLoopBound<StreamCompression>? = nil) {
        self.channel = channel
        self.closeLinger = closeLinger
        self.binding = binding
        self.compression = compression
    }

    func write(_ items: [Outbound]) {
        guard !items.isEmpty else { return }
        let schedule = outbox.withTSanVisibleLock { outbox in
            outbox.items += items
            defer { outbox.scheduled = true }
            return !outbox.scheduled
        }
        if schedule { channel.eventLoop.execute { self.drain() } }
    }

    /// Takes everything waiting and writes it with one flush (on the channel's event loop).
    private func drain() {
        let items = outbox.withTSanVisibleLock { outbox in
            var taken: [Outbound] = []
            swap(&taken, &outbox.items)
            outbox.scheduled = false
            return taken
        }
        guard !items.isEmpty else { return }
        let channel = self.channel
        let compression = self.compression
        switch binding {
        case .stream, .inProcess:
            var bytes: [UInt8] = []
            var scratch = CompressionScratch()
            for item in items {
                if let state = compression?.value, let compressor = state.compressor {
                    Self.appendCompressed(item, compressor, scratch: &scratch, to: &bytes)
                } else {
                    switch item {
                    case .message(let message): Frame.encode(message, into: &bytes)
                    case .event(let seq, let shared): shared.append(seq: seq, encoding: .binary, framed: true, to: &bytes)
                    }
                }
                if case .message(let message) = item { compression?.value.willWrite(message) }
            }
            var buffer = channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            channel.writeAndFlush(buffer, promise: nil)
        case .webSocketJSON, .webSocketBinary:
            for item in items {
                channel.write(WebSocketOutbound.item(item), promise: nil)
            }
            channel.flush()
        }
    }

    /// Buffers reused for every item of one drain, so a frame under the compression threshold
    /// costs no allocation.
    private struct CompressionScratch {
        var payload: [UInt8] = []
        var encoded: [UInt8] = []
    }

    /// Appends `message` as a frame, compressed when it is over the threshold (COMP-3).
    private static func appendCompressed(
        _ item: Outbound, _ compressor: FramePayloadCompressor, scratch: inout CompressionScratch, to bytes: inout [UInt8]
    ) {
        if case .event(let seq, let shared) = item, compressor.settings.shouldCompress(payloadCount: shared.binaryBody.count),
            let body = shared.deflatedBinaryBody(SharedBodyDeflater.compress)
        {
            // COMP-19: the body was compressed once; only this session's envelope is added.
            var envelope: [UInt8] = []
            EventEnvelope.append(type: shared.message.typeCode, seq: seq, body: [], encoding: .binary, framed: false, to: &envelope)
            var encoded: [UInt8] = []
            DeflateSplice.appendZlib(prefix: envelope, body: body, suffix: [], to: &encoded)
            encoded.withUnsafeBytes { Frame.encode(flags: .compressed, payload: $0, into: &bytes) }
            return
        }
        scratch.payload.removeAll(keepingCapacity: true)
        scratch.encoded.removeAll(keepingCapacity: true)
        switch item {
        case .message(let message): message.encodeBinary(into: &scratch.payload)
        case .event(let seq, let shared): shared.append(seq: seq, encoding: .binary, framed: false, to: &scratch.payload)
        }
        let compressed = (try? compressor.encode(scratch.payload, appendingTo: &scratch.encoded)) ?? false
        (compressed ? scratch.encoded : scratch.payload).withUnsafeBytes {
            Frame.encode(flags: compressed ? .compressed : [], payload: $0, into: &bytes)
        }
    }

    /// Sends what is waiting, then ends its output — end-of-stream on the byte stream, the close
    /// frame on WebSocket — and keeps reading (and discarding) until the peer closes or
    /// ``closeLinger`` passes (ERR-3): closing a socket with unread input resets it, and a reset
    /// can discard the final error before the peer reads it.
    func close(reason: ErrorCode?) {
        let channel = self.channel
        let binding = self.binding
        let linger = closeLinger
        channel.eventLoop.execute {
            self.drain()
            channel.pipeline.fireUserInboundEventTriggered(TransportClosing())
            // The byte stream ends with end-of-stream; WebSocket with the close frame, after which
            // the client answers with its own and the server closes (RFC 6455 §7.1.1).
            let final: EventLoopFuture<Void> = switch binding {
            case .stream, .inProcess: channel.close(mode: .output)
            case .webSocketJSON, .webSocketBinary: channel.writeAndFlush(WebSocketOutbound.close(reason))
            }
            final.whenComplete { _ in
                // Input is discarded from here on; read it even if backpressure had paused reading.
                channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in channel.read() }
                channel.eventLoop.scheduleTask(in: linger) { channel.close(promise: nil) }
            }
        }
    }

    func setReading(_ enabled: Bool) {
        let channel = self.channel
        channel.eventLoop.execute {
            channel.setOption(ChannelOptions.autoRead, value: enabled).whenComplete { _ in
                if enabled { channel.read() }
            }
        }
    }
}

/// Tells a connection's handler that the server closed the connection: input from here on is
/// read and discarded (ERR-3).
struct TransportClosing {}
