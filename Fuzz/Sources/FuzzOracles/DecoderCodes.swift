import ParleyWire

/// The error codes each decoder may report, from its documentation and the spec's table
/// (Spec/errors.md). Any other code is a bug: a wrong mapping, or a code outside the table (ERR-1).
public enum DecoderCodes {
    /// `FrameDecoder.next()` and `finish()`: FRAME-3, FRAME-4, FRAME-5, FRAME-9.
    public static let frames: Set<ErrorCode> = [
        .frameTooLarge, .badVarint, .badFrameFlags, .emptyFrame, .compressionNotNegotiated, .truncatedFrame,
    ]

    /// `Message.decodeBinary`: ENC-1…ENC-6, MSG-5, MSG-6, VER-4.
    public static let binary: Set<ErrorCode> = [
        .emptyFrame, .unknownMessageType, .malformedMessage, .missingField, .duplicateField, .fieldOrder,
        .valueOutOfRange, .badVarint, .invalidUTF8,
    ]

    /// `Message.decodeJSON`: JSON-1…JSON-7, MSG-5, MSG-6, VER-4.
    public static let json: Set<ErrorCode> = [
        .invalidJSON, .invalidUTF8, .wrongJSONType, .missingField, .duplicateField, .valueOutOfRange,
        .unknownMessageType,
    ]

    /// Throws unless `error` carries a code of `allowed`.
    static func check(_ error: WireError, in allowed: Set<ErrorCode>, _ decoder: String) throws(OracleFailure) {
        try OracleFailure.require(allowed.contains(error.code), "\(decoder) reported \(error), a code it must not report")
    }
}
