/// One frame of the byte-stream binding (FRAME-1): type, flags, a varint length and the payload.
///
/// ```
/// +--------+--------+---------------------+-------------------+
/// | type   | flags  | length (varint 1-4) | payload (length)  |
/// +--------+--------+---------------------+-------------------+
/// ```
public struct Frame: Hashable, Sendable {
    /// What the payload is.
    public var type: FrameType
    /// Flags of the frame.
    public var flags: FrameFlags
    /// The payload bytes (a slice of the decoder's buffer: no copy was made).
    public var payload: ArraySlice<UInt8>

    /// Creates a frame.
    public init(type: FrameType, flags: FrameFlags = [], payload: ArraySlice<UInt8>) {
        self.type = type
        self.flags = flags
        self.payload = payload
    }

    /// The longest length varint a frame header may carry (FRAME-4): 4 bytes, so at most 2^28-1.
    public static let maxLengthBytes = 4

    /// The largest frame payload any v1 peer may announce (FRAME-5): 16 MiB.
    public static let maxPayloadLimit = 16 * 1024 * 1024

    /// The frame size every peer accepts before the handshake ends (FRAME-6): 64 KiB.
    public static let initialMaxPayload = 65_536
}

extension Frame {
    /// Appends a MESSAGE frame holding `message`'s binary payload to `buffer`.
    ///
    /// The payload is encoded in place after a one-byte length, which is widened afterwards
    /// if needed, so nothing is allocated once `buffer` has grown.
    public static func encode(_ message: Message, into buffer: inout [UInt8]) {
        buffer.append(FrameType.message.rawValue)
        buffer.append(0)
        let lengthAt = buffer.count
        buffer.append(0)
        message.encodeBinary(into: &buffer)
        Varint.patchLength(in: &buffer, at: lengthAt)
    }

    /// Appends a frame with an already-encoded payload (a compressed payload, or a shared body).
    public static func encode(
        type: FrameType = .message, flags: FrameFlags = [], payload: UnsafeRawBufferPointer, into buffer: inout [UInt8]
    ) {
        buffer.append(type.rawValue)
        buffer.append(flags.rawValue)
        Varint.append(UInt64(payload.count), to: &buffer)
        buffer.append(contentsOf: payload)
    }
}
