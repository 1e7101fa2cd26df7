/// A decoding or validation failure, carrying the spec's error code.
///
/// Every way a peer's bytes can be wrong maps to exactly one ``ErrorCode`` (see
/// `Spec/errors.md`), so a receiver can answer the peer precisely. The source location
/// of the throw is kept for debugging but takes no part in equality.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The spec's error code, sent to the peer in an `error` or `goodbye` message.
    public var code: ErrorCode
    /// A human-readable explanation, safe to send to the peer.
    public var message: String
    /// The file that raised the error (not part of equality).
    public var file: StaticString
    /// The line that raised the error (not part of equality).
    public var line: UInt

    /// Creates an error with a code and message; `file` and `line` default to the caller.
    public init(_ code: ErrorCode, _ message: String, file: StaticString = #fileID, line: UInt = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public static func == (lhs: WireError, rhs: WireError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }

    public var description: String { "\(code.name) (\(code.rawValue)): \(message)" }
}
