import ParleyWire

/// Checks `Message.decodeJSON` on one text: a message or an error with a code the JSON decoder
/// may report (JSON-1…JSON-7), the same outcome from a pointer and from an array, and no
/// accepted text with a member given twice (JSON-5, checked by ``MemberNames``).
public enum JSONOracle {
    /// Decodes `text` and returns the message, or `nil` if the text was rightly rejected.
    @discardableResult
    public static func check(_ text: UnsafeRawBufferPointer) throws(OracleFailure) -> Message? {
        let direct = Result { () throws(WireError) in try Message.decodeJSON(text) }
        let copied = Result { () throws(WireError) in try Message.decodeJSON(Array(text)) }
        try Outcome.requireSame(direct, copied, "decodeJSON of a pointer and of an array", text)
        switch direct {
        case .success(let message):
            if let name = MemberNames.firstDuplicate(in: text) {
                throw OracleFailure(description: "decodeJSON accepted member '\(name)' twice (JSON-5): \(hexString(text))")
            }
            return message
        case .failure(let error):
            try DecoderCodes.check(error, in: DecoderCodes.json, "decodeJSON")
            return nil
        }
    }
}
