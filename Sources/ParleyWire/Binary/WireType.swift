/// The wire type in the low three bits of a binary field key (ENC-3).
///
/// Only two exist in v1: a varint, and a length-delimited run of bytes (strings and
/// nested structures). Any other value is `MALFORMED_MESSAGE`.
public enum WireType: UInt64, Sendable {
    /// An unsigned LEB128 varint (integers, booleans, enums).
    case varint = 0
    /// A varint byte length followed by that many bytes (strings, nested structures).
    case lengthDelimited = 2
}
