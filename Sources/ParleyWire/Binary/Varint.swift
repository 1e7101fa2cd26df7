/// Unsigned LEB128 varints as Parley uses them (ENC-1, ENC-2).
///
/// Values are limited to 2^53-1 so that every integer survives JSON and JavaScript
/// unchanged; encodings must be minimal (no redundant `0x80 … 0x00` tail).
public enum Varint {
    /// The largest integer Parley carries: 2^53-1, JavaScript's `Number.MAX_SAFE_INTEGER`.
    public static let maxValue: UInt64 = (1 << 53) - 1

    /// The longest encoding of a value up to ``maxValue``.
    public static let maxLength = 8

    /// How many bytes `value` takes when encoded.
    @inlinable
    public static func encodedLength(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 {
            v >>= 7
            n += 1
        }
        return n
    }

    /// Appends the minimal encoding of `value` to `buffer`.
    @inlinable
    public static func append(_ value: UInt64, to buffer: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        buffer.append(UInt8(truncatingIfNeeded: v))
    }

    /// Fills in a length prefix: `buffer[at]` is a one-byte placeholder followed by the bytes it
    /// measures; the varint of their count replaces it, shifting them once if it needs more than
    /// one byte. Encoders use it to write a body in place before knowing its length.
    public static func patchLength(in buffer: inout [UInt8], at lengthAt: Int) {
        let length = buffer.count - lengthAt - 1
        if length < 0x80 {
            buffer[lengthAt] = UInt8(length)
            return
        }
        let extra = encodedLength(UInt64(length)) - 1
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

    /// The outcome of reading a varint from a prefix of some bytes.
    public enum ReadResult: Equatable, Sendable {
        /// A complete value and how many bytes it took.
        case value(UInt64, length: Int)
        /// The bytes end before the varint does; more input may complete it.
        case needMoreData
    }

    /// Reads a varint of at most `maxLength` bytes from the start of `bytes`.
    ///
    /// - Throws: `BAD_VARINT` when the encoding is longer than `maxLength`, not minimal,
    ///   or its value exceeds ``maxValue``.
    @inlinable
    public static func read(
        _ bytes: UnsafeRawBufferPointer,
        maxLength: Int = Varint.maxLength
    ) throws(WireError) -> ReadResult {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && index > 1 {
                    throw WireError(.badVarint, "varint is not minimally encoded")
                }
                if result > maxValue {
                    throw WireError(.badVarint, "varint exceeds 2^53-1")
                }
                return .value(result, length: index)
            }
            if index >= maxLength {
                throw WireError(.badVarint, "varint longer than \(maxLength) bytes")
            }
            shift += 7
        }
        return .needMoreData
    }
}
