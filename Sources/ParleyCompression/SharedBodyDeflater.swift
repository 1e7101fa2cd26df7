import ParleyCore
import Synchronization

/// Compresses shared event bodies once for all the connections that send them compressed
/// (COMP-19); one raw-deflate compressor for the process, used under a lock, since a body is
/// compressed once per event, not per delivery.
enum SharedBodyDeflater {
    private static let deflater = Mutex<Deflater?>(try? Deflater(format: .rawDeflate, level: .default))

    /// The body compressed once, or `nil` if zlib failed (the caller then compresses per frame).
    @Sendable static func compress(_ body: [UInt8]) -> SharedDeflateBody? {
        deflater.withTSanVisibleLock { deflater in
            guard let deflater else { return nil }
            return try? SharedDeflateBody(compressing: body, with: deflater)
        }
    }
}
