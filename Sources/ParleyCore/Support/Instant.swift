/// A point in time as the core sees it: milliseconds since the Unix epoch.
///
/// The core never reads a clock (CORE-1); every input that depends on time carries an
/// `Instant`, which makes every state machine deterministic and simulatable.
public struct Instant: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var rawValue: UInt64

    /// Wraps a millisecond timestamp.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Wraps a millisecond timestamp.
    public init(milliseconds: UInt64) { self.rawValue = milliseconds }

    /// The instant `milliseconds` later (saturating).
    public func adding(milliseconds: UInt64) -> Instant {
        let (sum, overflow) = rawValue.addingReportingOverflow(milliseconds)
        return Instant(rawValue: overflow ? .max : sum)
    }

    /// Milliseconds from `earlier` to `self`, or 0 if `earlier` is later (a clock jump backwards).
    public func milliseconds(since earlier: Instant) -> UInt64 {
        rawValue >= earlier.rawValue ? rawValue - earlier.rawValue : 0
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "t+\(rawValue)ms" }
}
