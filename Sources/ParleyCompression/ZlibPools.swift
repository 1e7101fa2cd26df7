import ParleyCore
import Synchronization

/// The process's pools of zlib streams, one per configuration (COMP-23): every connection of
/// the same configuration borrows from the same pool.
enum ZlibPools {
    /// What makes deflaters interchangeable: same container, level and window.
    private struct DeflaterKey: Hashable {
        let format: ZlibFormat
        let level: CompressionLevel
        let windowBits: Int
    }

    private static let deflaterPools = Mutex<[DeflaterKey: ZlibStreamPool<Deflater>]>([:])
    private static let zlibInflaters = ZlibStreamPool { () throws(CompressionError) in try Inflater(format: .zlib) }
    private static let rawInflaters = ZlibStreamPool { () throws(CompressionError) in try Inflater(format: .rawDeflate) }

    /// The pool of deflaters of one configuration, made the first time it is asked for.
    static func deflaters(format: ZlibFormat, level: CompressionLevel, windowBits: Int) -> ZlibStreamPool<Deflater> {
        let key = DeflaterKey(format: format, level: level, windowBits: windowBits)
        return deflaterPools.withTSanVisibleLock { pools in
            if let pool = pools[key] { return pool }
            let pool = ZlibStreamPool { () throws(CompressionError) in
                try Deflater(format: format, level: level, windowBits: windowBits)
            }
            pools[key] = pool
            return pool
        }
    }

    /// The pool of inflaters of `format` (all inflate with the largest window).
    static func inflaters(format: ZlibFormat) -> ZlibStreamPool<Inflater> {
        switch format {
        case .zlib: zlibInflaters
        case .rawDeflate: rawInflaters
        }
    }
}
