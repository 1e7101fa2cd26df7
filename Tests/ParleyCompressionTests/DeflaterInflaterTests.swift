import ParleyTestSupport
import ParleyCompression
import ParleyWire
import Testing

@Suite struct DeflaterInflaterTests {
    /// Compresses in one call, with the stream then reset.
    func compress(_ input: [UInt8], _ format: ZlibFormat, level: CompressionLevel = .default, windowBits: Int = 15) throws -> [UInt8] {
        let deflater = try Deflater(format: format, level: level, windowBits: windowBits)
        var out: [UInt8] = []
        try deflater.deflate(input, flush: .finish, appendingTo: &out)
        return out
    }

    @Test(arguments: [ZlibFormat.zlib, .rawDeflate])
    func roundTripsManySizesLevelsAndWindows(_ format: ZlibFormat) throws {
        var random = SeededRandom(seed: 7)
        let inflater = try Inflater(format: format)
        for step in 0..<60 {
            let count = [0, 1, 100, 4096, 70_000][step % 5] + Int(random.next() % 300)
            let input = step % 3 == 0 ? TestData.noise(count: count, seed: UInt64(step)) : TestData.text(count: count, seed: UInt64(step))
            let level = CompressionLevel(rawValue: Int(random.next() % 10))!
            let bits = 8 + Int(random.next() % 8)
            let compressed = try compress(input, format, level: level, windowBits: bits)
            inflater.reset()
            var out: [UInt8] = []
            #expect(try inflater.inflate(compressed, appendingTo: &out, limit: input.count) == .streamEnd(unconsumed: 0))
            #expect(out == input, "step \(step): \(count) bytes, level \(level.rawValue), window \(bits)")
        }
    }

    @Test func inflatesFedByteByByteAndReportsNeedsInput() throws {
        let input = TestData.text(count: 5_000, seed: 3)
        let compressed = try compress(input, .zlib)
        let inflater = try Inflater(format: .zlib)
        var out: [UInt8] = []
        for (index, byte) in compressed.enumerated() {
            let progress = try inflater.inflate([byte], appendingTo: &out, limit: input.count)
            #expect(progress == (index == compressed.count - 1 ? .streamEnd(unconsumed: 0) : .needsInput))
        }
        #expect(out == input)
    }

    @Test func streamingDeflateWithFlushesProducesOneValidStream() throws {
        let deflater = try Deflater(format: .rawDeflate)
        var out: [UInt8] = []
        var expected: [UInt8] = []
        for (index, flush) in [DeflateFlush.none, .sync, .none, .full, .sync, .finish].enumerated() {
            let piece = TestData.text(count: 3000 + index, seed: UInt64(index))
            expected += piece
            let before = out.count
            try deflater.deflate(piece, flush: flush, appendingTo: &out)
            if flush == .sync || flush == .full { #expect(Array(out.suffix(4)) == DeflateSplice.syncMarker) }
            if flush == .none { #expect(out.count - before < piece.count) }
        }
        let inflater = try Inflater(format: .rawDeflate)
        var plain: [UInt8] = []
        #expect(try inflater.inflate(out, appendingTo: &plain, limit: 1 << 20) == .streamEnd(unconsumed: 0))
        #expect(plain == expected)
    }

    @Test func resetStartsAnIndependentStream() throws {
        let deflater = try Deflater(format: .zlib)
        var first: [UInt8] = []
        try deflater.deflate(Array("hello hello".utf8), flush: .finish, appendingTo: &first)
        deflater.reset()
        var second: [UInt8] = []
        try deflater.deflate(Array("hello hello".utf8), flush: .finish, appendingTo: &second)
        #expect(first == second)
        // Without a reset, zlib refuses more input after the end: the error is reported.
        #expect(throws: CompressionError.self) { try deflater.deflate(Array("more".utf8), flush: .finish, appendingTo: &second) }
    }

    @Test func rejectsBadParameters() {
        #expect(throws: CompressionError.invalidArgument("window bits 16 outside 8...15")) { try Deflater(format: .zlib, windowBits: 16) }
        #expect(throws: CompressionError.invalidArgument("window bits 7 outside 8...15")) { try Deflater(format: .rawDeflate, windowBits: 7) }
        #expect(throws: CompressionError.invalidArgument("memory level 0 outside 1...9")) { try Deflater(format: .zlib, memoryLevel: 0) }
        #expect(CompressionLevel(rawValue: 10) == nil)
        #expect(CompressionLevel(rawValue: -1) == nil)
    }

    /// COMP-6: every way a peer's data can be wrong is DECOMPRESSION_FAILED, and fatal.
    @Test func corruptTruncatedTrailingAndDictionaryStreamsFail() throws {
        let input = TestData.text(count: 5000, seed: 9)
        let good = try compress(input, .zlib)
        let receiver = try FramePayloadInflater(negotiated: true, maxMessage: 1 << 20)
        #expect(try receiver.inflate(good) == input)

        var cases: [(String, [UInt8])] = [
            ("truncated", Array(good.dropLast(7))),
            ("trailing bytes", good + [0]),
            ("bad header", [0x78, 0x9d] + good.dropFirst(2)),
            ("bad checksum", good.dropLast() + [good.last! ^ 1]),
            ("empty", []),
            // FDICT set (0x78 0xbb: header checksum valid) then a dictionary id: a preset
            // dictionary, which Parley never agrees on.
            ("preset dictionary", [0x78, 0xbb, 0, 0, 0, 1] + good.dropFirst(2)),
        ]
        var flipped = good
        flipped[good.count / 2] ^= 0x55
        cases.append(("bit flip", flipped))
        for (name, bytes) in cases {
            do {
                _ = try receiver.inflate(bytes)
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.code == .decompressionFailed, "\(name): \(error)")
                #expect(error.isRemote && error.code.isFatal)
            }
        }
        // The receiver still works after failures (each frame is its own stream).
        #expect(try receiver.inflate(good) == input)
    }

    @Test func errorsMapToWireErrors() {
        #expect(CompressionError.tooLarge(limit: 10).wireError == WireError(.messageTooLarge, "inflated message exceeds 10 bytes"))
        #expect(CompressionError.notNegotiated.code == .compressionNotNegotiated)
        #expect(CompressionError.corruptData("x").code == .decompressionFailed)
        #expect(!CompressionError.zlib(function: "deflate", status: -2, message: "m").isRemote)
        #expect(CompressionError.invalidArgument("x").code == .internalError)
    }
}
