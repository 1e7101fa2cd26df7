/// Reads Parley's binary field encoding from borrowed bytes (ENC-1…ENC-6).
///
/// The reader only advances past what it consumed and never allocates except to build the
/// decoded values themselves (strings). It is valid only inside the `withUnsafeBytes`
/// scope that produced its buffer.
public struct BinaryReader {
    let bytes: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    public private(set) var position: Int
    let end: Int

    /// Reads `bytes` from the start to the end.
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
    }

    init(_ bytes: UnsafeRawBufferPointer, from position: Int, to end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = end
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position >= end }

    /// Reads a varint (a value up to 2^53-1, minimally encoded).
    public mutating func readVarint() throws(WireError) -> UInt64 {
        let rest = UnsafeRawBufferPointer(rebasing: bytes[position..<end])
        switch try Varint.read(rest) {
        case .value(let value, let length):
            position += length
            return value
        case .needMoreData:
            throw WireError(.malformedMessage, "varint runs past the end of the message")
        }
    }

    /// Reads a field key and splits it into field number and wire type.
    public mutating func readKey() throws(WireError) -> (field: UInt64, type: WireType) {
        let key = try readVarint()
        guard let type = WireType(rawValue: key & 7) else {
            throw WireError(.malformedMessage, "unknown wire type \(key & 7) for field \(key >> 3)")
        }
        let field = key >> 3
        guard field > 0 else { throw WireError(.malformedMessage, "field number 0 is reserved") }
        return (field, type)
    }

    mutating func expect(_ actual: WireType, _ wanted: WireType, _ name: StaticString) throws(WireError) {
        guard actual == wanted else {
            throw WireError(.malformedMessage, "field '\(name)' has the wrong wire type")
        }
    }

    /// Reads an unsigned integer field's value.
    public mutating func readUInt(_ type: WireType, _ name: StaticString) throws(WireError) -> UInt64 {
        try expect(type, .varint, name)
        return try readVarint()
    }

    /// Reads a boolean field's value; only 0 and 1 are valid.
    public mutating func readBool(_ type: WireType, _ name: StaticString) throws(WireError) -> Bool {
        switch try readUInt(type, name) {
        case 0: return false
        case 1: return true
        default: throw WireError(.valueOutOfRange, "field '\(name)' is a boolean and must be 0 or 1")
        }
    }

    mutating func readLength(_ type: WireType, _ name: StaticString) throws(WireError) -> Int {
        try expect(type, .lengthDelimited, name)
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw WireError(.malformedMessage, "field '\(name)' runs past the end of the message")
        }
        return Int(length)
    }

    /// Reads a string field's value, validating UTF-8.
    public mutating func readString(_ type: WireType, _ name: StaticString) throws(WireError) -> String {
        let length = try readLength(type, name)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        position += length
        guard let string = String._tryFromUTF8(slice.assumingMemoryBound(to: UInt8.self)) else {
            throw WireError(.invalidUTF8, "field '\(name)' is not valid UTF-8")
        }
        return string
    }

    /// Reads a nested structure's body with its own reader, bounded by its length.
    public mutating func readNested<T>(
        _ type: WireType, _ name: StaticString, _ body: (inout BinaryReader) throws(WireError) -> T
    ) throws(WireError) -> T {
        let length = try readLength(type, name)
        var inner = BinaryReader(bytes, from: position, to: position + length)
        position += length
        return try body(&inner)
    }

    /// Skips the value of a field this version does not know (VER-3).
    public mutating func skip(_ type: WireType) throws(WireError) {
        switch type {
        case .varint: _ = try readVarint()
        case .lengthDelimited: position += try readLength(type, "unknown")
        }
    }

    /// Checks the order rule (ENC-5): field numbers ascend, and only a repeated field
    /// may repeat, in one consecutive run.
    public static func checkOrder(
        previous: UInt64, field: UInt64, repeated: Bool, _ name: StaticString
    ) throws(WireError) {
        if field > previous { return }
        if field == previous {
            if repeated { return }
            throw WireError(.duplicateField, "field '\(name)' appears twice")
        }
        throw WireError(.fieldOrder, "field \(field) ('\(name)') follows field \(previous)")
    }
}
