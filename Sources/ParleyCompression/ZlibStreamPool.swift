import ParleyCore
import Synchronization

/// Idle zlib streams of one configuration, lent for one message at a time to every connection
/// that compresses (or inflates) without context takeover (COMP-23).
///
/// Without context takeover a stream is reset after every message, so nothing of it belongs
/// to a connection between messages: an idle connection holds none, and the process holds
/// about as many streams as threads compress at once. Streams come back reset; at most
/// `keep` idle ones are kept, the rest freed.
final class ZlibStreamPool<Stream: ResettableZlibStream>: Sendable {
    private let idle = Mutex<[Stream]>([])
    private let keep: Int
    private let make: @Sendable () throws(CompressionError) -> Stream

    /// A pool that makes streams with `make` and keeps at most `keep` idle.
    init(keep: Int = 16, make: @escaping @Sendable () throws(CompressionError) -> Stream) {
        self.keep = keep
        self.make = make
    }

    /// A new stream of this pool's configuration, owned by the caller (a connection with
    /// context takeover, whose stream carries its window from message to message).
    func makeStream() throws(CompressionError) -> Stream { try make() }

    /// Runs `body` with a stream taken from the pool (or made), then resets the stream and
    /// puts it back, whether `body` succeeded or not.
    func borrow<Result>(_ body: (Stream) throws(CompressionError) -> Result) throws(CompressionError) -> Result {
        let stream = try take()
        defer { giveBack(stream) }
        return try body(stream)
    }

    private func take() throws(CompressionError) -> Stream {
        let lent = idle.withTSanVisibleLock { streams -> Lent<Stream>? in
            guard let stream = streams.popLast() else { return nil }
            return Lent(stream: stream)
        }
        if let lent { return lent.stream }
        return try make()
    }

    private func giveBack(_ stream: Stream) {
        stream.reset()
        let returned = Lent(stream: stream)
        idle.withTSanVisibleLock { streams in
            if streams.count < keep { streams.append(returned.stream) }
        }
    }
}

/// A stream handed across the pool's lock: it is used by one thread at a time, the one that
/// took it, which is what makes moving it between threads safe.
private struct Lent<Stream>: @unchecked Sendable {
    let stream: Stream
}

/// A zlib stream a ``ZlibStreamPool`` can lend: reset before it goes back.
protocol ResettableZlibStream: AnyObject {
    /// Forgets the current stream and window; keeps zlib's memory.
    func reset()
}

extension Deflater: ResettableZlibStream {}
extension Inflater: ResettableZlibStream {}
