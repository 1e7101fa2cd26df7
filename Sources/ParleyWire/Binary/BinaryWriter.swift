/// Writes Parley's binary field encoding into a caller-owned byte buffer (ENC-1…ENC-6).
///
/// The writer appends; it never clears. Reusing one buffer across messages (with
/// `removeAll(keepingCapacity: true)`) makes encoding allocation-free once the buffer has grown.
public struct BinaryWriter {
    /// The bytes written so far.
    public var buffer: [UInt8]

    /// Starts writing into an empty buffer.
    public init() { self.buffer = [] }

    /// Runs `body` with a writer that appends to `buffer` in place (no copy of the buffer).
    public static func appending(to buffer: inout [UInt8], _ body: (inout BinaryWriter) -> Void) {
        var writer = BinaryWriter()
        swap(&writer.buffer, &buffer)
        body(&writer)
        swap(&writer.buffer, &buffer)
    }

    /// Writes a bare varint (used for the message type that opens every payload).
    public mutating func writeRawVarint(_ value: UInt64) {
        Varint.append(value, to: &buffer)
    }

    mutating func key(_ field: UInt64, _ type: WireType) {
        Varint.append(field << 3 | type.rawValue, to: &buffer)
    }

    /// Writes an unsigned integer field.
    public mutating func writeUInt(_ field: UInt64, _ value: UInt64) {
        key(field, .varint)
        Varint.append(value, to: &buffer)
    }

    /// Writes a boolean field as varint 0 or 1.
    public mutating func writeBool(_ field: UInt64, _ value: Bool) {
        key(field, .varint)
        buffer.append(value ? 1 : 0)
    }

    /// Writes a string field: length, then its UTF-8 bytes.
    public mutating func writeString(_ field: UInt64, _ value: String) {
        key(field, .lengthDelimited)
        var value = value
        value.withUTF8 { utf8 in
            Varint.append(UInt64(utf8.count), to: &buffer)
            buffer.append(contentsOf: utf8)
        }
    }

    /// Writes a nested structure: `body` writes its fields, and the length prefix is filled
    /// in afterwards (one byte is reserved; longer lengths shift the body once).
    public mutating func writeNested(_ field: UInt64, _ body: (inout BinaryWriter) -> Void) {
        key(field, .lengthDelimited)
        let lengthAt = buffer.count
        buffer.append(0)
        body(&self)
        let length = buffer.count - lengthAt - 1
        if length < 0x80 {
            buffer[lengthAt] = UInt8(length)
            return
        }
        let extra = Varint.encodedLength(UInt64(length)) - 1
        buffer.append(contentsOf: repeatElement(0, count: extra))
        buffer.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            (base + lengthAt + 1 + extra).update(from: base + lengthAt + 1, count: length)
            var v = UInt64(length)
            var i = lengthAt
            while v >= 0x80 {
                base[i] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
                i += 1
            }
            base[i] = UInt8(v)
        }
    }
}
