import ParleyCompression
import Testing

/// COMP-15…COMP-17: the message format details of permessage-deflate.
@Suite struct PerMessageDeflateCodecTests {
    @Test func emptyMessagesAreOneZeroByte() throws {
        let encoder = try PerMessageDeflateEncoder(windowBits: 15, noContextTakeover: false)
        let decoder = try PerMessageDeflateDecoder(noContextTakeover: false, maxMessage: 100)
        for message in [[], Array("x".utf8), [], []] as [[UInt8]] {
            var payload: [UInt8] = []
            try encoder.compress(message, appendingTo: &payload)
            if message.isEmpty { #expect(payload == [0x00]) }
            #expect(try decoder.decompress(payload) == message)
        }
        // RFC 7692 §7.2.3.6: an empty message may also arrive as `00` from a fresh decoder.
        #expect(try PerMessageDeflateDecoder(noContextTakeover: true, maxMessage: 1).decompress([0x00]) == [])
    }

    @Test func bytesAfterAFinalBlockAndCorruptDataFail() throws {
        // A final fixed-Huffman block holding "a" (what zlib's Z_FINISH writes for raw deflate).
        let deflater = try Deflater(format: .rawDeflate)
        var final: [UInt8] = []
        try deflater.deflate(Array("a".utf8), flush: .finish, appendingTo: &final)
        let decoder = try PerMessageDeflateDecoder(noContextTakeover: false, maxMessage: 100)
        #expect(try decoder.decompress(final) == Array("a".utf8))
        #expect(throws: CompressionError.corruptData("1 bytes follow the final deflate block")) {
            try PerMessageDeflateDecoder(noContextTakeover: false, maxMessage: 100).decompress(final + [0x00])
        }
        do {
            _ = try PerMessageDeflateDecoder(noContextTakeover: true, maxMessage: 100).decompress([0xff, 0xff, 0xff])
            Issue.record("accepted")
        } catch {
            #expect(error.code == .decompressionFailed)
        }
    }

    @Test func encoderStripsTheTailAndResetsWithoutTakeover() throws {
        let message = TestData.text(count: 400, seed: 11)
        for reset in [false, true] {
            let encoder = try PerMessageDeflateEncoder(windowBits: 15, noContextTakeover: reset)
            var first: [UInt8] = []
            var second: [UInt8] = []
            try encoder.compress(message, appendingTo: &first)
            try encoder.compress(message, appendingTo: &second)
            #expect(!first.suffix(4).elementsEqual(DeflateSplice.syncMarker))
            // With takeover the repeat is a back-reference; without, it is compressed afresh.
            #expect((first == second) == reset)
            #expect(reset || second.count < 10)
        }
    }

    @Test func serverSideConvenienceInitialisersFollowTheParameters() throws {
        let parameters = PerMessageDeflateNegotiation().negotiate(offerFieldValues: ["permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_no_context_takeover"])!
        let encoder = try PerMessageDeflateEncoder(serverSideOf: parameters)
        #expect(encoder.noContextTakeover && encoder.windowBits == 10)
        let decoder = try PerMessageDeflateDecoder(serverSideOf: parameters, maxMessage: 5)
        #expect(decoder.noContextTakeover && decoder.maxMessage == 5)
    }
}
