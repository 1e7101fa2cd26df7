import NIOCore
import ParleyServer
import ParleyWire

/// A ``ConnectionTransport`` over a NIO channel: encodes messages for the channel's binding
/// and writes each batch with one flush (coalesced writes).
final class NIOTransport: ConnectionTransport {
    private let channel: Channel
    private let binding: Binding

    init(channel: Channel, binding: Binding) {
        self.channel = channel
        self.binding = binding
    }

    func write(_ messages: [Message]) {
        guard !messages.isEmpty else { return }
        let channel = self.channel
        let binding = self.binding
        channel.eventLoop.execute {
            switch binding {
            case .stream, .inProcess:
                var bytes: [UInt8] = []
                for message in messages { Frame.encode(message, into: &bytes) }
                var buffer = channel.allocator.buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                channel.writeAndFlush(buffer, promise: nil)
            case .webSocketJSON, .webSocketBinary:
                for message in messages {
                    channel.write(WebSocketOutbound.message(message), promise: nil)
                }
                channel.flush()
            }
        }
    }

    func close(reason: ErrorCode?) {
        let channel = self.channel
        let binding = self.binding
        channel.eventLoop.execute {
            switch binding {
            case .stream, .inProcess:
                channel.close(promise: nil)
            case .webSocketJSON, .webSocketBinary:
                channel.writeAndFlush(WebSocketOutbound.close(reason)).whenComplete { _ in channel.close(promise: nil) }
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
