import ParleyWire

/// Checks `Message.decodeBinary` on one payload: a message or an error with a code the binary
/// decoder may report (ENC-1…ENC-6), and the same outcome whatever container holds the bytes.
public enum BinaryOracle {
    /// Decodes `payload` and returns the message, or `nil` if the payload was rightly rejected;
    /// also decodes it from an array slice that does not start at 0 (as a frame's payload is)
    /// and requires the same outcome.
    ///
    /// `payload` should be an exact-size allocation (as libFuzzer's input is), so that the
    /// address sanitizer sees any read past its end.
    @discardableResult
    public static func check(_ payload: UnsafeRawBufferPointer) throws(OracleFailure) -> Message? {
        let padded = [0xA5] + Array(payload) + [0x5A]
        let sliced = Result { () throws(WireError) in try Message.decodeBinary(padded[1..<(padded.count - 1)]) }
        let direct = Result { () throws(WireError) in try Message.decodeBinary(payload) }
        try Outcome.requireSame(direct, sliced, "decodeBinary of a pointer and of a slice", payload)
        return try accept(direct)
    }

    /// Decodes a payload held in any collection from an exact-size copy, checking only the
    /// error code (the cheap check the frame target applies to every frame).
    @discardableResult
    public static func decode(copying payload: some Collection<UInt8>) throws(OracleFailure) -> Message? {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: payload.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyBytes(from: payload)
        return try accept(Result { () throws(WireError) in try Message.decodeBinary(UnsafeRawBufferPointer(copy)) })
    }

    /// The message, or `nil` for an error with a binary decoder's code.
    private static func accept(_ outcome: Result<Message, WireError>) throws(OracleFailure) -> Message? {
        switch outcome {
        case .success(let message):
            try OracleFailure.require(
                Message.name(ofType: message.typeCode) != nil, "decoded a message of unnamed type \(message.typeCode)")
            return message
        case .failure(let error):
            try DecoderCodes.check(error, in: DecoderCodes.binary, "decodeBinary")
            return nil
        }
    }
}
