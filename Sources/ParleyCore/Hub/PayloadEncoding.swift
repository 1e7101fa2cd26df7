/// One serialization of a published event: the encoding a session's connection negotiated, in
/// which its outbound log counts the bytes it retains (HUB-9).
public enum PayloadEncoding: Sendable, Hashable {
    /// The compact binary field encoding.
    case binary
    /// The JSON text encoding.
    case json
}
