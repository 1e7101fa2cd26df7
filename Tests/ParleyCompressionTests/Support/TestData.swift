import ParleyTestSupport
/// Deterministic inputs for compression tests.
enum TestData {
    /// Text-like bytes (words from a small vocabulary), compressible like chat traffic.
    static func text(count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        let words = ["hello", "order", "refund", "shipping", "thanks", "agent", "please", "the", "is", "my",
                     "{\"type\":\"event\"", "\"seq\":", "conversation", "visitor", "12345", "\n"]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 16)
        while bytes.count < count {
            bytes += Array(words[Int(random.next() % UInt64(words.count))].utf8)
            bytes.append(UInt8(ascii: " "))
        }
        return Array(bytes.prefix(count))
    }

    /// Incompressible bytes.
    static func noise(count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    /// A valid zlib stream (RFC 1950) that inflates to `1 + 258 × copies` zero bytes at
    /// deflate's maximum ratio (about 1032:1), built bit by bit rather than compressed.
    ///
    /// One dynamic-Huffman block whose literal/length code gives length 258 (symbol 285) the
    /// 1-bit code `0` and whose distance code gives distance 1 the 1-bit code `0`: after one
    /// literal zero, every pair of zero bits copies 258 more zeros, so the body is zero bytes.
    static func zlibBomb(copies: Int) -> (stream: [UInt8], inflatedCount: Int) {
        var bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(2, count: 2)  // BTYPE = dynamic Huffman
        bits.write(286 - 257, count: 5)  // HLIT: 286 literal/length code lengths
        bits.write(1 - 1, count: 5)  // HDIST: 1 distance code length
        bits.write(19 - 4, count: 4)  // HCLEN: all 19 code-length code lengths
        // The code-length alphabet uses symbols 0, 1, 2 and 18 (a run of zeros), each 2 bits
        // long: canonical codes 0 -> 00, 1 -> 01, 2 -> 10, 18 -> 11.
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        for symbol in order { bits.write([0, 1, 2, 18].contains(symbol) ? 2 : 0, count: 3) }
        func emit(_ symbol: Int) { bits.writeHuffman([0: 0, 1: 1, 2: 2, 18: 3][symbol]!, count: 2) }
        func zeros(_ n: Int) {
            var left = n
            while left >= 11 {
                let run = min(left, 138)
                emit(18)
                bits.write(UInt32(run - 11), count: 7)
                left -= run
            }
            for _ in 0..<left { emit(0) }
        }
        // Literal/length code lengths: 0 -> 2, 256 (end of block) -> 2, 285 (length 258) -> 1,
        // so the canonical codes are 285 -> "0", 0 -> "10", 256 -> "11".
        emit(2); zeros(255); emit(2); zeros(28); emit(1)
        emit(1)  // distance code 0 (distance 1) -> length 1, code "0"
        bits.writeHuffman(2, count: 2)  // literal 0
        var remaining = copies
        while bits.bitCount % 8 != 0 && remaining > 0 {
            bits.write(0, count: 2)
            remaining -= 1
        }
        if bits.bitCount % 8 == 0 {
            bits.appendZeroBytes(remaining / 4)
            remaining %= 4
        }
        for _ in 0..<remaining { bits.write(0, count: 2) }
        bits.writeHuffman(3, count: 2)  // end of block
        let inflatedCount = 1 + 258 * copies
        let adler = UInt32(inflatedCount % 65_521) << 16 | 1  // n zeros: a = 1, b = n mod 65521
        let trailer = [UInt8(adler >> 24), UInt8(truncatingIfNeeded: adler >> 16), UInt8(truncatingIfNeeded: adler >> 8), UInt8(truncatingIfNeeded: adler)]
        return ([0x78, 0x9c] + bits.bytes + trailer, inflatedCount)
    }
}

/// Writes deflate bit fields, least significant bit first (RFC 1951 §3.1.1).
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var bitCount = 0

    mutating func write(_ value: UInt32, count: Int) {
        for i in 0..<count { appendBit((value >> UInt32(i)) & 1) }
    }

    /// Huffman codes are packed starting from their most significant bit.
    mutating func writeHuffman(_ code: UInt32, count: Int) {
        for i in (0..<count).reversed() { appendBit((code >> UInt32(i)) & 1) }
    }

    /// Appends whole zero bytes; only at a byte boundary.
    mutating func appendZeroBytes(_ count: Int) {
        precondition(bitCount % 8 == 0)
        bytes += repeatElement(0, count: count)
        bitCount += 8 * count
    }

    private mutating func appendBit(_ bit: UInt32) {
        if bitCount % 8 == 0 { bytes.append(0) }
        bytes[bytes.count - 1] |= UInt8(bit) << UInt8(bitCount % 8)
        bitCount += 1
    }
}
