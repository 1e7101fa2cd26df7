import ParleyWire

extension Frame {
    /// The message this byte-stream frame carries, inflated first when it has the compressed
    /// flag (COMP-1, COMP-6, COMP-7); `inflater` is `nil` while compression is off.
    ///
    /// - Throws: the decoder's `WireError`, or the inflater's `MESSAGE_TOO_LARGE` /
    ///   `DECOMPRESSION_FAILED`.
    public func message(inflater: (any PayloadInflater)?) throws(WireError) -> Message {
        guard flags.contains(.compressed), let inflater else { return try Message.decodeBinary(payload) }
        return try Message.decodeBinary(try inflater.inflated(Array(payload)))
    }
}
