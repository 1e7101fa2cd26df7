import NIOCore

/// Read backpressure for a server connection: while the peer does not drain what the server
/// writes (the channel's outbound buffer is over its high-water mark), stop reading from it.
enum ReadBackpressure {
    /// Call from `channelWritabilityChanged`.
    static func writabilityChanged(_ channel: Channel) {
        channel.setOption(ChannelOptions.autoRead, value: channel.isWritable).whenSuccess {
            if channel.isWritable { channel.read() }
        }
    }
}
