import ParleyTestSupport
import ParleyCompression
import Testing

/// COMP-19…COMP-21: an event body compressed once, spliced between per-subscriber envelopes.
@Suite struct DeflateSpliceTests {
    static func body(_ count: Int, seed: UInt64, windowBits: Int = 15) throws -> ([UInt8], SharedDeflateBody) {
        let plain = TestData.text(count: count, seed: seed)
        return (plain, try SharedDeflateBody(compressing: plain, with: Deflater(format: .rawDeflate, windowBits: windowBits)))
    }

    static func envelope(_ seq: Int) -> (prefix: [UInt8], suffix: [UInt8]) {
        (Array(#"{"type":"event","seq":\#(seq),"event":"#.utf8), Array("}".utf8))
    }

    @Test func sharedBodyIsStandaloneAndByteAligned() throws {
        let (plain, body) = try Self.body(5000, seed: 1)
        #expect(body.blocks.suffix(4).elementsEqual(DeflateSplice.syncMarker))
        #expect(body.plainCount == plain.count)
        #expect(body.blocks.count < plain.count / 2)
        // A zlib-format compressor is refused: the body must be raw deflate.
        #expect(throws: CompressionError.self) { try SharedDeflateBody(compressing: plain, with: Deflater(format: .zlib)) }
    }

    /// Randomized: envelopes of any size (empty, tiny, over one stored block), bodies of any size,
    /// in both containers; every result inflates to prefix + body + suffix.
    @Test func randomizedSplicesInflateExactly() throws {
        var random = SeededRandom(seed: 42)
        let frames = try FramePayloadInflater(negotiated: true, maxMessage: 1 << 20)
        let sizes = [0, 1, 30, 65_535, 65_536, 140_000]
        for step in 0..<200 {
            let (plain, body) = try Self.body([0, 1, 200, 3000, 40_000][step % 5], seed: UInt64(step))
            let prefix = TestData.noise(count: step % 17 == 0 ? sizes[Int(random.next() % 6)] : Int(random.next() % 40), seed: random.next())
            let suffix = TestData.noise(count: step % 13 == 0 ? sizes[Int(random.next() % 6)] : Int(random.next() % 3), seed: random.next())
            let expected = prefix + plain + suffix

            var zlib: [UInt8] = []
            DeflateSplice.appendZlib(prefix: prefix, body: body, suffix: suffix, to: &zlib)
            #expect(try frames.inflate(zlib) == expected, "step \(step)")

            // A decoder with context takeover that has already seen other messages.
            let decoder = try PerMessageDeflateDecoder(noContextTakeover: false, maxMessage: 1 << 20)
            let warmup = try PerMessageDeflateEncoder(windowBits: 15, noContextTakeover: false)
            var first: [UInt8] = []
            try warmup.compress(plain + prefix, appendingTo: &first)
            #expect(try decoder.decompress(first) == plain + prefix)
            var pmd: [UInt8] = []
            DeflateSplice.appendPerMessageDeflate(prefix: prefix, body: body, suffix: suffix, to: &pmd)
            #expect(try decoder.decompress(pmd) == expected, "step \(step)")
        }
    }

    @Test func pythonInflatesSplicedMessages() throws {
        let (plain, body) = try Self.body(2000, seed: 5)
        var zlibStreams: [String] = []
        var pmdMessages: [String] = []
        var expected: [[UInt8]] = []
        for seq in [1, 17, 1_000_000] {
            let (prefix, suffix) = Self.envelope(seq)
            var zlib: [UInt8] = []
            DeflateSplice.appendZlib(prefix: prefix, body: body, suffix: suffix, to: &zlib)
            var pmd: [UInt8] = []
            DeflateSplice.appendPerMessageDeflate(prefix: prefix, body: body, suffix: suffix, to: &pmd)
            zlibStreams.append(PythonZlib.hex(zlib))
            pmdMessages.append(PythonZlib.hex(pmd))
            expected.append(prefix + plain + suffix)
        }
        let results = try PythonZlib.run([
            .init(op: "decompress", format: "zlib", data: zlibStreams),
            .init(op: "pmdDecompress", noContextTakeover: false, data: pmdMessages),
        ])
        #expect(results[0] == expected)
        #expect(results[1] == expected)
    }

    /// COMP-21: with context takeover the encoder resets after a shared message, so what it
    /// compresses next never refers to bytes the peer's window does not hold in that place.
    @Test(arguments: [false, true])
    func sharedMessagesInterleaveWithOwnMessages(noContextTakeover: Bool) throws {
        let (plain, body) = try Self.body(3000, seed: 8)
        let encoder = try PerMessageDeflateEncoder(windowBits: 15, noContextTakeover: noContextTakeover)
        let decoder = try PerMessageDeflateDecoder(noContextTakeover: noContextTakeover, maxMessage: 1 << 20)
        var pythonPayloads: [String] = []
        var expected: [[UInt8]] = []
        for seq in 0..<20 {
            var payload: [UInt8] = []
            let message: [UInt8]
            if seq % 3 == 1 {
                let (prefix, suffix) = Self.envelope(seq)
                try encoder.appendShared(prefix: prefix, body: body, suffix: suffix, appendingTo: &payload)
                message = prefix + plain + suffix
            } else {
                message = Array(#"{"type":"ok","rid":\#(seq)}"#.utf8) + plain.prefix(500 + seq)
                try encoder.compress(message, appendingTo: &payload)
            }
            #expect(try decoder.decompress(payload) == message, "seq \(seq)")
            pythonPayloads.append(PythonZlib.hex(payload))
            expected.append(message)
        }
        let python = try PythonZlib.run([.init(op: "pmdDecompress", noContextTakeover: noContextTakeover, data: pythonPayloads)])
        #expect(python[0] == expected)
    }

    @Test func aBodyWithALargerWindowThanNegotiatedIsRefused() throws {
        let (_, body) = try Self.body(100, seed: 2, windowBits: 15)
        let encoder = try PerMessageDeflateEncoder(windowBits: 10, noContextTakeover: true)
        var out: [UInt8] = []
        #expect(throws: CompressionError.invalidArgument("shared body uses window bits 15, connection allows 10")) {
            try encoder.appendShared(prefix: [], body: body, suffix: [], appendingTo: &out)
        }
        let (_, small) = try Self.body(100, seed: 2, windowBits: 9)
        try encoder.appendShared(prefix: [1], body: small, suffix: [2], appendingTo: &out)
        #expect(!out.isEmpty)
    }

    /// Per subscriber, only the envelope differs: the shared bytes appear verbatim.
    @Test func subscribersShareTheCompressedBytes() throws {
        let (_, body) = try Self.body(4000, seed: 6)
        let shared = Array(body.blocks.dropLast(4))
        for seq in [3, 4000] {
            let (prefix, suffix) = Self.envelope(seq)
            var pmd: [UInt8] = []
            DeflateSplice.appendPerMessageDeflate(prefix: prefix, body: body, suffix: suffix, to: &pmd)
            #expect(pmd.count == shared.count + 5 + prefix.count + 4 + suffix.count + 1)
            #expect(Array(pmd[(5 + prefix.count)...].prefix(shared.count)) == shared)
        }
    }
}
