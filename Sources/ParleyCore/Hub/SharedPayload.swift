/// A published event's bytes, encoded once per encoding in use and shared, immutable, by every
/// subscriber queue that holds it (HUB-5, HUB-6).
///
/// The bytes are the message body *without* its per-session envelope: the transport writes
/// the message type and the session's sequence number, then these bytes. All encodings live in
/// one buffer, so a payload costs two allocations (this object and its buffer) whatever the
/// number of encodings and subscribers.
public final class SharedPayload: OutboundPayload {
    /// The wire message type the transport writes in the envelope (e.g. 34 for `event`).
    public let messageType: UInt32
    /// The encodings this payload holds bytes for.
    public let encodings: EncodingSet
    private let storage: [UInt8]
    /// `offsets[e] ..< offsets[e + 1]` is the range of encoding `e` in `storage`.
    private let offsets: SIMD8<UInt32>

    /// Encodes an event once for each encoding in `encodings`.
    ///
    /// - Parameters:
    ///   - messageType: the wire message type of the event.
    ///   - encodings: the encodings to produce.
    ///   - sizeHint: expected total bytes, reserved up front to avoid regrowth.
    ///   - encode: appends the body in the given encoding to the buffer; called once per
    ///     encoding, in raw-value order. It must be a pure function of its encoding.
    public init(
        messageType: UInt32, encodings: EncodingSet, sizeHint: Int = 0,
        encode: (PayloadEncoding, inout [UInt8]) -> Void
    ) {
        var storage: [UInt8] = []
        storage.reserveCapacity(sizeHint)
        var offsets = SIMD8<UInt32>()
        for raw in 0..<PayloadEncoding.count {
            if let encoding = PayloadEncoding(rawValue: UInt8(raw)), encodings.contains(encoding) {
                encode(encoding, &storage)
            }
            offsets[raw + 1] = UInt32(storage.count)
        }
        self.messageType = messageType
        self.encodings = encodings
        self.storage = storage
        self.offsets = offsets
    }

    /// The body in `encoding`, without copying.
    ///
    /// - Precondition: `encodings.contains(encoding)`.
    public func bytes(_ encoding: PayloadEncoding) -> ArraySlice<UInt8> {
        precondition(encodings.contains(encoding), "payload was not encoded as \(encoding)")
        let raw = Int(encoding.rawValue)
        return storage[Int(offsets[raw])..<Int(offsets[raw + 1])]
    }

    /// The size of the body in `encoding` (0 if the payload does not hold that encoding).
    public func count(_ encoding: PayloadEncoding) -> Int {
        let raw = Int(encoding.rawValue)
        return Int(offsets[raw + 1] &- offsets[raw])
    }
}
