/// Writes Parley's JSON encoding (JSON-1…JSON-8) into a caller-owned byte buffer, without
/// Foundation: compact output, members in catalogue order, strings escaped per RFC 8259.
public struct JSONWriter {
    /// The bytes written so far.
    public var buffer: [UInt8]
    /// One bit per nesting level: the container at that level already has a member.
    private var hasMember: UInt64 = 0
    private var depth = 0
    private var afterKey = false

    /// Starts writing into an empty buffer.
    public init() { buffer = [] }

    /// Runs `body` with a writer that appends to `buffer` in place (no copy of the buffer).
    public static func appending(to buffer: inout [UInt8], _ body: (inout JSONWriter) -> Void) {
        var writer = JSONWriter()
        swap(&writer.buffer, &buffer)
        body(&writer)
        swap(&writer.buffer, &buffer)
    }

    private mutating func beforeValue() {
        if afterKey {
            afterKey = false
            return
        }
        if depth > 0 {
            let bit: UInt64 = 1 << UInt64(depth - 1)
            if hasMember & bit != 0 { buffer.append(UInt8(ascii: ",")) }
            hasMember |= bit
        }
    }

    private mutating func open(_ byte: UInt8) {
        beforeValue()
        buffer.append(byte)
        depth += 1
        hasMember &= ~(1 << UInt64(depth - 1))
    }

    /// Opens an object (`{`).
    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    /// Closes the current object (`}`).
    public mutating func endObject() {
        depth -= 1
        buffer.append(UInt8(ascii: "}"))
    }
    /// Opens an array (`[`).
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    /// Closes the current array (`]`).
    public mutating func endArray() {
        depth -= 1
        buffer.append(UInt8(ascii: "]"))
    }

    /// Writes a member name; the next value written is its value. Names are plain ASCII.
    public mutating func key(_ name: StaticString) {
        beforeValue()
        buffer.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        afterKey = true
    }

    /// Writes an unsigned integer in decimal.
    public mutating func uint(_ value: UInt64) {
        beforeValue()
        if value < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch: enough for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            var v = value
            while v > 0 {
                scratch[23 - count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            }
            buffer.append(contentsOf: scratch[(24 - count)...])
        }
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        beforeValue()
        if value {
            buffer.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        } else {
            buffer.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        }
    }

    /// Writes a string, escaping `"`, `\` and control characters (JSON-3).
    public mutating func string(_ value: String) {
        beforeValue()
        var value = value
        value.withUTF8 { utf8 in
            buffer.append(UInt8(ascii: "\""))
            var runStart = 0
            for i in 0..<utf8.count {
                let byte = utf8[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                appendEscape(byte)
                runStart = i + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            buffer.append(UInt8(ascii: "\""))
        }
    }

    private mutating func appendEscape(_ byte: UInt8) {
        buffer.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
        case 0x0A: buffer.append(UInt8(ascii: "n"))
        case 0x0D: buffer.append(UInt8(ascii: "r"))
        case 0x09: buffer.append(UInt8(ascii: "t"))
        case 0x08: buffer.append(UInt8(ascii: "b"))
        case 0x0C: buffer.append(UInt8(ascii: "f"))
        default:
            func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
            buffer.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex(byte >> 4), hex(byte & 0xF)])
        }
    }
}
