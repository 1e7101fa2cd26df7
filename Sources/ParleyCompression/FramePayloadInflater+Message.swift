import ParleyWire

extension FramePayloadInflater {
    /// The message a frame carries, inflated first when the frame has the compressed flag
    /// (COMP-1, COMP-6, COMP-7); `inflater` is `nil` while compression is off.
    ///
    /// - Throws: the decoder's `WireError`, or `MESSAGE_TOO_LARGE` / `DECOMPRESSION_FAILED`.
    public static func message(in frame: Frame, inflater: FramePayloadInflater?) throws(WireError) -> Message {
        guard frame.flags.contains(.compressed), let inflater else { return try Message.decodeBinary(frame.payload) }
        let payload: [UInt8]
        do {
            payload = try inflater.inflate(Array(frame.payload))
        } catch {
            throw error.wireError
        }
        return try Message.decodeBinary(payload)
    }
}
