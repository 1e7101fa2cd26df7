extension Message {
    /// Appends the binary payload (type varint, then fields; ENC-4) to `buffer`.
    ///
    /// Nothing is allocated once `buffer` has grown to size, so a transport can reuse one
    /// buffer for every message it writes.
    public func encodeBinary(into buffer: inout [UInt8]) {
        BinaryWriter.appending(to: &buffer) { w in
            w.writeRawVarint(typeCode)
            encodeFields(into: &w)
        }
    }

    /// The binary payload as a new array.
    public var binary: [UInt8] {
        var buffer: [UInt8] = []
        encodeBinary(into: &buffer)
        return buffer
    }

    /// Decodes a binary payload (ENC-4).
    ///
    /// - Throws: `WireError` with the spec's code: `EMPTY_FRAME`, `UNKNOWN_MESSAGE_TYPE`,
    ///   `MALFORMED_MESSAGE`, `MISSING_FIELD`, `DUPLICATE_FIELD`, `FIELD_ORDER`,
    ///   `VALUE_OUT_OF_RANGE`, `BAD_VARINT` or `INVALID_UTF8`.
    public static func decodeBinary(_ payload: UnsafeRawBufferPointer) throws(WireError) -> Message {
        guard !payload.isEmpty else { throw WireError(.emptyFrame, "a message payload is empty") }
        var reader = BinaryReader(payload)
        let type: UInt64
        do {
            type = try reader.readVarint()
        } catch {
            throw error.code == .malformedMessage ? WireError(.badVarint, "message type varint is truncated") : error
        }
        return try decodeFields(type: type, from: &reader)
    }

    /// Decodes a binary payload held in an array slice (such as ``Frame/payload``).
    public static func decodeBinary(_ payload: ArraySlice<UInt8>) throws(WireError) -> Message {
        try payload.withUnsafeBytes { raw in Result { () throws(WireError) in try decodeBinary(raw) } }.get()
    }

    /// Decodes a binary payload held in an array.
    public static func decodeBinary(_ payload: [UInt8]) throws(WireError) -> Message {
        try payload.withUnsafeBytes { raw in Result { () throws(WireError) in try decodeBinary(raw) } }.get()
    }

    /// Appends the JSON text of the message (JSON-2) to `buffer`.
    public func encodeJSON(into buffer: inout [UInt8]) {
        JSONWriter.appending(to: &buffer) { w in encodeJSON(into: &w) }
    }

    /// The JSON text as a new array of UTF-8 bytes.
    public var json: [UInt8] {
        var buffer: [UInt8] = []
        encodeJSON(into: &buffer)
        return buffer
    }

    /// Decodes a JSON text holding one message object (JSON-1, JSON-2).
    ///
    /// - Throws: `WireError` with the spec's code: `INVALID_JSON`, `INVALID_UTF8`,
    ///   `WRONG_JSON_TYPE`, `MISSING_FIELD`, `DUPLICATE_FIELD`, `VALUE_OUT_OF_RANGE` or
    ///   `UNKNOWN_MESSAGE_TYPE`.
    public static func decodeJSON(_ text: UnsafeRawBufferPointer) throws(WireError) -> Message {
        var reader = JSONReader(text)
        let name = try findType(&reader)
        reader.rewind()
        let message = try decodeJSON(named: name, from: &reader)
        try reader.finish()
        return message
    }

    /// Decodes a JSON text held in an array of UTF-8 bytes.
    public static func decodeJSON(_ text: [UInt8]) throws(WireError) -> Message {
        try text.withUnsafeBytes { raw in Result { () throws(WireError) in try decodeJSON(raw) } }.get()
    }

    /// Scans the top-level object for its `type` member (which may stand anywhere, JSON-2),
    /// checking the whole text is one well-formed object.
    private static func findType(_ reader: inout JSONReader) throws(WireError) -> String {
        var type: String?
        do {
            try reader.beginObject("message")
        } catch {
            throw error.code == .wrongJSONType ? WireError(.invalidJSON, "a message must be one JSON object") : error
        }
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if key == "type" {
                guard type == nil else { throw WireError(.duplicateField, "member 'type' appears twice") }
                type = try reader.readString("type")
            } else {
                try reader.skipValue()
            }
        }
        try reader.finish()
        guard let type else { throw WireError(.missingField, "the message object has no 'type' member") }
        return type
    }
}
