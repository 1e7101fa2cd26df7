/// What an outbound log holds: an immutable, shared, pre-encoded event that knows its size in
/// each encoding, so the log can bound its bytes (HUB-9) without looking inside.
///
/// The server's sessions carry ``SharedEvent``, which also keeps the message it encodes for
/// in-process delivery.
public protocol OutboundPayload: AnyObject, Sendable {
    /// The size of the body in `encoding` (0 if the payload does not hold that encoding).
    func count(_ encoding: PayloadEncoding) -> Int
}
