import ParleyWire

/// Reading the message type of a binary payload that did not decode, so that an
/// `UNKNOWN_MESSAGE_TYPE` answer can name it (VER-4).
enum BinaryPayload {
    /// The payload's leading type varint (ENC-4), `nil` if it has none.
    static func messageType(_ payload: UnsafeRawBufferPointer) -> UInt64? {
        guard case .value(let type, _)? = try? Varint.read(payload) else { return nil }
        return type
    }

    /// The payload's leading type varint (ENC-4), `nil` if it has none.
    static func messageType(_ payload: ArraySlice<UInt8>) -> UInt64? {
        payload.withUnsafeBytes { messageType($0) }
    }
}
