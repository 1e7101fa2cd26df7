import NIOCore
import ParleyCore
import ParleyTransport
import ParleyWire
import Synchronization

/// A ``ConnectionTransport`` over a NIO channel: encodes messages for the channel's binding
/// (with the byte stream's ``ConnectionCodec``; on WebSocket the channel handler encodes)
/// and coalesces writes.
///
/// Items the server hands over wait in an outbox; the first item of an empty outbox schedules
/// one drain on the channel's event loop, which encodes everything waiting and writes it with a
/// single flush. Under load many publishes thus share one system call per connection.
final class NIOTransport: ConnectionTransport {
    private let channel: Channel
    private let output: Output
    private let closeLinger: TimeAmount
    private let outbox = Mutex(Outbox())

    /// How the transport writes.
    enum Output {
        /// Bytes of the byte stream, encoded here with the codec its channel handler shares.
        case stream(NIOLoopBound<ConnectionCodec>)
        /// WebSocket messages, which the channel handler encodes (``WebSocketOutbound``).
        case webSocket
    }

    /// Items waiting for the event loop, and whether a drain is already scheduled.
    private struct Outbox: ~Copyable {
        var items: [Outbound] = []
        var scheduled = false
    }

    /// - Parameters:
    ///   - closeLinger: how long a closing connection keeps reading before it closes (ERR-3).
    ///   - output: the byte stream with its codec, or WebSocket.
    init(channel: Channel, output: Output, closeLinger: TimeAmount) {
        self.channel = channel
        self.closeLinger = closeLinger
        self.output = output
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
        switch output {
        case .stream(let codec):
            let codec = codec.value
            var bytes: [UInt8] = []
            for item in items { codec.encode(item, appendingTo: &bytes) }
            var buffer = channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            channel.writeAndFlush(buffer, promise: nil)
        case .webSocket:
            for item in items {
                channel.write(WebSocketOutbound.item(item), promise: nil)
            }
            channel.flush()
        }
    }

    /// Sends what is waiting, then ends its output — end-of-stream on the byte stream, the close
    /// frame on WebSocket — and keeps reading (and discarding) until the peer closes or
    /// ``closeLinger`` passes (ERR-3): closing a socket with unread input resets it, and a reset
    /// can discard the final error before the peer reads it.
    func close(reason: ErrorCode?) {
        let channel = self.channel
        let output = self.output
        let linger = closeLinger
        channel.eventLoop.execute {
            self.drain()
            channel.pipeline.fireUserInboundEventTriggered(TransportClosing())
            // The byte stream ends with end-of-stream; WebSocket with the close frame, after which
            // the client answers with its own and the server closes (RFC 6455 §7.1.1).
            let final: EventLoopFuture<Void> = switch output {
            case .stream: channel.close(mode: .output)
            case .webSocket: channel.writeAndFlush(WebSocketOutbound.close(reason))
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
