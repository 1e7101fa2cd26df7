/// A Parley error code: a number on the wire with a symbolic name.
///
/// The set is open (a `RawRepresentable` struct, not an enum) so that a v1 peer can carry
/// codes defined by later versions. The known codes are generated from
/// `Spec/schema/errors.json` into `ErrorCode+Known.swift`.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code as sent on the wire.
    public var rawValue: UInt32

    /// Wraps a numeric code, known or not.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The symbolic name from the spec, or `UNKNOWN_<n>` for a code this version does not know.
    public var name: String { ErrorCode.knownInfo[rawValue]?.name ?? "UNKNOWN_\(rawValue)" }

    /// Whether the connection closes after this error (ERR-3). Unknown codes are treated as fatal
    /// when they are in a range of fatal codes, otherwise as surviving.
    public var isFatal: Bool {
        if let info = ErrorCode.knownInfo[rawValue] { return info.fatal }
        return rawValue < 2000 || rawValue >= 5000
    }

    /// The spec's one-sentence meaning of the code, empty for unknown codes.
    public var meaning: String { ErrorCode.knownInfo[rawValue]?.meaning ?? "" }

    public var description: String { name }
}
