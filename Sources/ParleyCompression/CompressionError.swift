import ParleyWire

/// Everything that can go wrong in ParleyCompression, split into the peer's mistakes
/// (*remote*: answer the peer with ``code`` and close) and the embedder's or the machine's
/// (*local*: a bad parameter, zlib refusing a call, memory exhausted).
///
/// No zlib status is ever dropped: every call's result ends in a value or one of these cases.
public enum CompressionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The peer's bytes are not a valid compressed stream (corrupt, truncated, trailing bytes,
    /// a preset dictionary): `DECOMPRESSION_FAILED`.
    case corruptData(String)
    /// Inflating the peer's bytes would exceed `limit` bytes; inflation stopped at the limit:
    /// `MESSAGE_TOO_LARGE`.
    case tooLarge(limit: Int)
    /// The peer sent a compressed frame but compression was not negotiated:
    /// `COMPRESSION_NOT_NEGOTIATED`.
    case notNegotiated
    /// zlib refused a call made with local parameters or ran out of memory (`status` is zlib's
    /// return code, `function` the zlib function). A local error: `INTERNAL_ERROR` to the peer.
    case zlib(function: String, status: Int32, message: String)
    /// The embedding code passed a value outside what the API allows. A local error.
    case invalidArgument(String)

    /// Whether the peer caused the error (its bytes were wrong), as opposed to local misuse.
    public var isRemote: Bool {
        switch self {
        case .corruptData, .tooLarge, .notNegotiated: true
        case .zlib, .invalidArgument: false
        }
    }

    /// The wire error code to answer the peer with (COMP-6); `INTERNAL_ERROR` for local errors.
    public var code: ErrorCode {
        switch self {
        case .corruptData: .decompressionFailed
        case .tooLarge: .messageTooLarge
        case .notNegotiated: .compressionNotNegotiated
        case .zlib, .invalidArgument: .internalError
        }
    }

    /// The error as a `WireError` carrying ``code`` and a message safe to send to the peer.
    public var wireError: WireError { WireError(code, description) }

    public var description: String {
        switch self {
        case .corruptData(let why): "compressed data is invalid: \(why)"
        case .tooLarge(let limit): "inflated message exceeds \(limit) bytes"
        case .notNegotiated: "compressed frame received but compression is not enabled"
        case .zlib(let function, let status, let message): "zlib \(function) failed (\(status)): \(message)"
        case .invalidArgument(let why): "invalid argument: \(why)"
        }
    }
}
