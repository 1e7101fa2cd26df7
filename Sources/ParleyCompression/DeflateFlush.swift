import CZlib

/// How far a ``Deflater`` call flushes its output (zlib's `flush` argument).
public enum DeflateFlush: Hashable, Sendable {
    /// Buffer as zlib sees fit; output may lag behind input.
    case none
    /// Emit everything so far and end on a byte boundary with an empty stored block
    /// (`00 00 ff ff`); later data may still refer back to earlier data.
    case sync
    /// Like `sync`, and later data never refers to data before this point.
    case full
    /// End the stream (final block, plus the Adler-32 trailer in zlib format).
    case finish

    var zlibValue: Int32 {
        switch self {
        case .none: Z_NO_FLUSH
        case .sync: Z_SYNC_FLUSH
        case .full: Z_FULL_FLUSH
        case .finish: Z_FINISH
        }
    }
}
