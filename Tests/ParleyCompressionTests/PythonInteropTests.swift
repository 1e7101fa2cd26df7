import ParleyCompression
import Testing

/// Parley against an independent zlib peer (Python's zlib module), both directions, zlib format
/// (compressed frames, COMP-2) and raw deflate (permessage-deflate, COMP-15…COMP-18).
@Suite struct PythonInteropTests {
    static let inputs: [[UInt8]] = [
        [], Array("a".utf8), TestData.text(count: 300, seed: 1), TestData.text(count: 70_000, seed: 2),
        TestData.noise(count: 5000, seed: 3), [UInt8](repeating: 0x41, count: 100_000),
    ]

    @Test func pythonInflatesWhatParleyCompresses() throws {
        var zlibStreams: [String] = []
        var rawStreams: [String] = []
        for (index, input) in Self.inputs.enumerated() {
            let level = CompressionLevel(rawValue: index % 10)!
            for (format, sink) in [(ZlibFormat.zlib, 0), (.rawDeflate, 1)] {
                let deflater = try Deflater(format: format, level: level)
                var out: [UInt8] = []
                try deflater.deflate(input, flush: .finish, appendingTo: &out)
                if sink == 0 { zlibStreams.append(PythonZlib.hex(out)) } else { rawStreams.append(PythonZlib.hex(out)) }
            }
        }
        let results = try PythonZlib.run([
            .init(op: "decompress", format: "zlib", data: zlibStreams),
            .init(op: "decompress", format: "raw", data: rawStreams),
        ])
        #expect(results[0] == Self.inputs)
        #expect(results[1] == Self.inputs)
    }

    @Test func parleyInflatesWhatPythonCompresses() throws {
        let hex = Self.inputs.map(PythonZlib.hex)
        let results = try PythonZlib.run([
            .init(op: "compress", format: "zlib", level: 9, data: hex),
            .init(op: "compress", format: "raw", level: 1, data: hex),
            .init(op: "compress", format: "zlib", level: 6, windowBits: 9, data: hex),
        ])
        let receiver = try FramePayloadInflater(negotiated: true, maxMessage: 1 << 20)
        for (index, input) in Self.inputs.enumerated() {
            #expect(try receiver.inflate(results[0][index]) == input)
            #expect(try receiver.inflate(results[2][index]) == input)
            let inflater = try Inflater(format: .rawDeflate)
            var out: [UInt8] = []
            #expect(try inflater.inflate(results[1][index], appendingTo: &out, limit: 1 << 20) == .streamEnd(unconsumed: 0))
            #expect(out == input)
        }
    }

    /// A conversation of messages: repeated content makes context takeover matter.
    static let conversation: [[UInt8]] = (0..<12).map { index in
        Array(#"{"type":"event","seq":\#(index),"event":{"kind":"message","text":"#.utf8) + TestData.text(count: 50 + 40 * index, seed: UInt64(index % 3)) + Array("\"}}".utf8)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func permessageDeflateFromPython(noContextTakeover: Bool, finalBlocks: Bool) throws {
        let messages = Self.conversation.map(PythonZlib.hex)
        let payloads = try PythonZlib.run([
            .init(op: "pmdCompress", noContextTakeover: noContextTakeover, finalBlocks: finalBlocks, data: messages),
        ])[0]
        let decoder = try PerMessageDeflateDecoder(noContextTakeover: noContextTakeover, maxMessage: 1 << 16)
        for (payload, message) in zip(payloads, Self.conversation) {
            #expect(try decoder.decompress(payload) == message)
        }
    }

    @Test(arguments: [(false, 15), (true, 15), (false, 8), (true, 10)])
    func permessageDeflateToPython(noContextTakeover: Bool, windowBits: Int) throws {
        let encoder = try PerMessageDeflateEncoder(windowBits: windowBits, noContextTakeover: noContextTakeover)
        var payloads: [String] = []
        var total = 0
        for message in Self.conversation {
            var payload: [UInt8] = []
            try encoder.compress(message, appendingTo: &payload)
            #expect(!payload.suffix(4).elementsEqual(DeflateSplice.syncMarker))
            total += payload.count
            payloads.append(PythonZlib.hex(payload))
        }
        // Python inflates with exactly the negotiated window (2^8 too: zlib's window-9
        // compressor never reaches back more than 250 bytes).
        let plain = try PythonZlib.run([
            .init(op: "pmdDecompress", windowBits: windowBits, noContextTakeover: noContextTakeover, data: payloads),
        ])[0]
        #expect(plain == Self.conversation)
    }

    /// Context takeover pays: the same conversation compresses smaller with it.
    @Test func contextTakeoverCompressesBetter() throws {
        func size(_ reset: Bool) throws -> Int {
            let encoder = try PerMessageDeflateEncoder(windowBits: 15, noContextTakeover: reset)
            var total = 0
            for message in Self.conversation {
                var payload: [UInt8] = []
                try encoder.compress(message, appendingTo: &payload)
                total += payload.count
            }
            return total
        }
        #expect(try size(false) < size(true))
    }
}
