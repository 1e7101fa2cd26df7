/// A property a fuzz oracle checks did not hold: a decoder bug, not a peer's mistake.
///
/// The fuzz targets turn it into a crash so libFuzzer keeps the input; the regression test in
/// the main package records it as a test issue.
public struct OracleFailure: Error, CustomStringConvertible {
    /// What went wrong, with the values involved.
    public var description: String

    /// Throws a failure described by `message` unless `condition` holds.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(OracleFailure) {
        if !condition { throw OracleFailure(description: message()) }
    }
}

/// Formats bytes as lowercase hex for failure messages.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
