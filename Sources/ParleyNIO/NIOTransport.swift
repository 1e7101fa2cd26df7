import NIOCore
import ParleyCompression
import ParleyServer
import ParleyWire

/// A ``ConnectionTransport`` over a NIO channel: encodes messages for the channel's binding
/// and writes each batch with one flush (coalesced writes).
final class NIOTransport: ConnectionTransport {
    private let channel: Channel
    private let binding: Binding
    private let compression: NIOLoopBound<StreamCompression>?

    /// - Parameter compression: the byte stream's per-frame compression state (COMP section).
    init(channel: Channel, binding: Binding, compression: NIOLoopBound<StreamCompression>? = nil) {
        self.channel = channel
        self.binding = binding
        self.compression = compression
    }

    func write(_ messages: [Message]) {
        guard !messages.isEmpty else { return }
        let channel = self.channel
        let binding = self.binding
        let compression = self.compression
        channel.eventLoop.execute {
            switch binding {
            case .stream, .inProcess:
                var bytes: [UInt8] = []
                for message in messages {
                    if let state = compression?.value, let compressor = state.compressor {
                        Self.appendCompressed(message, compressor, to: &bytes)
                    } else {
                        Frame.encode(message, into: &bytes)
                    }
                    compression?.value.willWrite(message)
                }
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

    /// Appends `message` as a frame, compressed when it is over the threshold (COMP-3).
    private static func appendCompressed(_ message: Message, _ compressor: FramePayloadCompressor, to bytes: inout [UInt8]) {
        let payload = message.binary
        var encoded: [UInt8] = []
        guard let compressed = try? compressor.encode(payload, appendingTo: &encoded), compressed else {
            Frame.encode(message, into: &bytes)
            return
        }
        encoded.withUnsafeBytes { Frame.encode(flags: .compressed, payload: $0, into: &bytes) }
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
