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
        Varint.patchLength(in: &buffer, at: lengthAt)
    }
}
