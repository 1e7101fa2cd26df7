import ParleyWire

/// Why a command or input was refused, with the spec's error code and the requirement that
/// refused it. Nothing was applied (CONV-3).
///
/// The server layer answers the peer with an `error` message carrying `code`, `message` and
/// `requirement`.
public struct CommandError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The error code sent to the peer.
    public var code: ErrorCode
    /// The requirement id, e.g. `CONV-3`.
    public var requirement: String
    /// A human-readable explanation, safe to send to the peer.
    public var message: String
    /// When the command may be retried, for refusals that lift with time (ABUSE-5).
    public var retryAfterMs: UInt64?

    /// Creates an error.
    public init(_ code: ErrorCode, _ requirement: String, _ message: String, retryAfterMs: UInt64? = nil) {
        self.code = code
        self.requirement = requirement
        self.message = message
        self.retryAfterMs = retryAfterMs
    }

    public var description: String { "\(code.name) [\(requirement)]: \(message)" }
}
