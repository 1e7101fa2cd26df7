/// Reads Parley's JSON encoding (JSON-1…JSON-8) from borrowed bytes, strictly and without
/// Foundation.
///
/// The reader is a pull tokenizer that generated decoders drive member by member. It
/// rejects anything RFC 8259 rejects (`INVALID_JSON`), values of the wrong JSON type for
/// their field (`WRONG_JSON_TYPE`), and integers that are not plain non-negative decimal
/// numbers up to 2^53-1. It is valid only inside the scope that lent its bytes.
public struct JSONReader {
    private let bytes: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    public private(set) var position = 0
    private var depth = 0

    /// The deepest nesting of objects and arrays accepted (JSON-7).
    public static let maxDepth = 32

    /// Reads `bytes`, which must hold exactly one JSON object (checked by ``finish()``).
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private func invalid(_ what: String) -> WireError {
        WireError(.invalidJSON, "\(what) at offset \(position)")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func peek() throws(WireError) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw invalid("unexpected end of JSON") }
        return bytes[position]
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(WireError) {
        guard try peek() == byte else { throw invalid("expected \(what)") }
        position += 1
    }

    /// Enters an object: consumes `{`.
    public mutating func beginObject(_ name: StaticString) throws(WireError) {
        guard try peek() == UInt8(ascii: "{") else {
            throw WireError(.wrongJSONType, "'\(name)' must be a JSON object")
        }
        position += 1
        depth += 1
        guard depth <= JSONReader.maxDepth else { throw invalid("nesting deeper than \(JSONReader.maxDepth)") }
    }

    /// Reads the next member name of the current object, or returns `nil` at its `}`.
    /// `first` must start `true` for each object; the reader updates it.
    public mutating func nextKey(first: inout Bool) throws(WireError) -> String? {
        let byte = try peek()
        if byte == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return nil
        }
        if !first {
            guard byte == UInt8(ascii: ",") else { throw invalid("expected ',' or '}'") }
            position += 1
        }
        first = false
        guard try peek() == UInt8(ascii: "\"") else { throw invalid("expected a member name") }
        let key = try scanString()
        try expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// Enters an array: consumes `[`.
    public mutating func beginArray(_ name: StaticString) throws(WireError) {
        guard try peek() == UInt8(ascii: "[") else {
            throw WireError(.wrongJSONType, "'\(name)' must be a JSON array")
        }
        position += 1
        depth += 1
        guard depth <= JSONReader.maxDepth else { throw invalid("nesting deeper than \(JSONReader.maxDepth)") }
    }

    /// Moves to the next element of the current array; returns `false` at its `]`.
    public mutating func nextElement(first: inout Bool) throws(WireError) -> Bool {
        let byte = try peek()
        if byte == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return false
        }
        if !first {
            guard byte == UInt8(ascii: ",") else { throw invalid("expected ',' or ']'") }
            position += 1
        }
        first = false
        return true
    }

    /// Consumes a `null` if one comes next (an optional field given as null is absent, JSON-5).
    public mutating func takeNull() throws(WireError) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal([0x6E, 0x75, 0x6C, 0x6C])
        return true
    }

    private mutating func literal(_ word: [UInt8]) throws(WireError) {
        guard bytes.count - position >= word.count else { throw invalid("truncated literal") }
        for (i, byte) in word.enumerated() where bytes[position + i] != byte {
            throw invalid("invalid literal")
        }
        position += word.count
    }

    /// Reads a non-negative integer up to 2^53-1 written as plain decimal digits (JSON-4).
    public mutating func readUInt(_ name: StaticString) throws(WireError) -> UInt64 {
        let byte = try peek()
        guard byte >= 0x30 && byte <= 0x39 else {
            if byte == UInt8(ascii: "-") {
                throw WireError(.valueOutOfRange, "'\(name)' must not be negative")
            }
            try skipValue()
            throw WireError(.wrongJSONType, "'\(name)' must be an integer")
        }
        let start = position
        var value: UInt64 = 0
        var overflow = false
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
            if !overflow {
                value = value * 10 + UInt64(bytes[position] - 0x30)
                overflow = value > Varint.maxValue
            }
            position += 1
        }
        if position < bytes.count,
            [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position])
        {
            throw WireError(.wrongJSONType, "'\(name)' must be an integer without fraction or exponent")
        }
        guard bytes[start] != 0x30 || position - start == 1 else { throw invalid("number with a leading zero") }
        guard !overflow else { throw WireError(.valueOutOfRange, "'\(name)' exceeds 2^53-1") }
        return value
    }

    /// Reads `true` or `false`.
    public mutating func readBool(_ name: StaticString) throws(WireError) -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"):
            try literal([0x74, 0x72, 0x75, 0x65])
            return true
        case UInt8(ascii: "f"):
            try literal([0x66, 0x61, 0x6C, 0x73, 0x65])
            return false
        default:
            try skipValue()
            throw WireError(.wrongJSONType, "'\(name)' must be a boolean")
        }
    }

    /// Reads a string, decoding escapes (JSON-3).
    public mutating func readString(_ name: StaticString) throws(WireError) -> String {
        guard try peek() == UInt8(ascii: "\"") else {
            try skipValue()
            throw WireError(.wrongJSONType, "'\(name)' must be a string")
        }
        return try scanString()
    }

    /// Scans a string token starting at its opening quote.
    private mutating func scanString() throws(WireError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes, so the bytes are the string.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard let string = String._tryFromUTF8(raw.assumingMemoryBound(to: UInt8.self)) else {
                    throw WireError(.invalidUTF8, "string is not valid UTF-8")
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw invalid("unescaped control character in string") }
            position += 1
        }
        var decoded = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = decoded.withUnsafeBufferPointer({ String._tryFromUTF8($0) }) else {
                    throw WireError(.invalidUTF8, "string is not valid UTF-8")
                }
                return string
            case UInt8(ascii: "\\"):
                try scanEscape(into: &decoded)
            case 0..<0x20:
                throw invalid("unescaped control character in string")
            default:
                decoded.append(byte)
            }
        }
        throw invalid("unterminated string")
    }

    private mutating func scanEscape(into decoded: inout [UInt8]) throws(WireError) {
        guard position < bytes.count else { throw invalid("unterminated escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw invalid("unpaired surrogate escape") }
                position += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw invalid("unpaired surrogate escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw invalid("unpaired surrogate escape")
            }
            decoded.append(contentsOf: Unicode.Scalar(scalar)!.utf8)
        default:
            throw invalid("invalid escape")
        }
    }

    private mutating func hex4() throws(WireError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw invalid("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x37)
            case 0x61...0x66: digit = UInt32(byte - 0x57)
            default: throw invalid("invalid \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Skips one value of any type (an unknown member, VER-3), checking that it is well-formed.
    public mutating func skipValue() throws(WireError) {
        switch try peek() {
        case UInt8(ascii: "{"):
            try beginObject("unknown")
            var first = true
            while try nextKey(first: &first) != nil { try skipValue() }
        case UInt8(ascii: "["):
            try beginArray("unknown")
            var first = true
            while try nextElement(first: &first) { try skipValue() }
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "t"): try literal([0x74, 0x72, 0x75, 0x65])
        case UInt8(ascii: "f"): try literal([0x66, 0x61, 0x6C, 0x73, 0x65])
        case UInt8(ascii: "n"): try literal([0x6E, 0x75, 0x6C, 0x6C])
        case UInt8(ascii: "-"), 0x30...0x39: try skipNumber()
        default: throw invalid("unexpected character")
        }
    }

    /// Skips a number per RFC 8259's grammar: -?int frac? exp?
    private mutating func skipNumber() throws(WireError) {
        func digits() throws(WireError) -> Int {
            let start = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            guard position > start else { throw invalid("malformed number") }
            return position - start
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let intStart = position
        let count = try digits()
        guard bytes[intStart] != 0x30 || count == 1 else { throw invalid("number with a leading zero") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            _ = try digits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            _ = try digits()
        }
    }

    /// Checks that nothing but whitespace follows the top-level object (JSON-1).
    public mutating func finish() throws(WireError) {
        skipWhitespace()
        guard position == bytes.count else { throw invalid("trailing characters after the JSON object") }
    }

    /// Restarts reading from the first byte (used to find `type` before decoding, JSON-2).
    public mutating func rewind() {
        position = 0
        depth = 0
    }
}
