import ParleyCompression
import Testing

/// COMP-6 and COMP-7: inflated output is capped at maxMessage, in count and in memory.
@Suite struct CappedInflateTests {
    @Test func theCraftedBombIsAValidStream() throws {
        let bomb = TestData.zlibBomb(copies: 4001)
        #expect(bomb.stream.count < 1100)
        let inflater = try Inflater(format: .zlib)
        var out: [UInt8] = []
        #expect(try inflater.inflate(bomb.stream, appendingTo: &out, limit: bomb.inflatedCount) == .streamEnd(unconsumed: 0))
        #expect(out.count == bomb.inflatedCount && out.allSatisfy { $0 == 0 })
        // Python's zlib agrees.
        let python = try PythonZlib.run([.init(op: "decompress", data: [PythonZlib.hex(bomb.stream)])])
        #expect(python[0][0].count == bomb.inflatedCount)
    }

    @Test func exactlyTheCapIsAcceptedOneMoreIsNot() throws {
        let bomb = TestData.zlibBomb(copies: 100)
        let exact = try FramePayloadInflater(negotiated: true, maxMessage: bomb.inflatedCount)
        #expect(try exact.inflate(bomb.stream).count == bomb.inflatedCount)
        let short = try FramePayloadInflater(negotiated: true, maxMessage: bomb.inflatedCount - 1)
        #expect(throws: CompressionError.tooLarge(limit: bomb.inflatedCount - 1)) { try short.inflate(bomb.stream) }
    }

    /// A 1 MB stream that would inflate to over 1 GiB is rejected after inflating 1 MiB, with
    /// the output's capacity never above the cap. (Deflate cannot exceed ~1032:1, so "a few KB"
    /// inflates to a few MB; a GiB needs about a MB of input.)
    @Test func aGigabyteBombIsRejectedWithinTheCap() throws {
        let bomb = TestData.zlibBomb(copies: (1 << 30) / 258 + 1)
        #expect(bomb.inflatedCount > 1 << 30)
        #expect(bomb.stream.count < 1_100_000)
        let cap = 1 << 20
        let inflater = try Inflater(format: .zlib)
        var out: [UInt8] = []
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: CompressionError.tooLarge(limit: cap)) { try inflater.inflate(bomb.stream, appendingTo: &out, limit: cap) }
        let elapsed = clock.now - start
        #expect(out.count == cap)
        // Capacity is reserved in steps that never exceed the cap (plus malloc's rounding to a page).
        #expect(out.capacity <= cap + 4096, "capacity \(out.capacity)")
        // Not a timed assertion on speed, a sanity bound: inflating 1 GiB would take seconds.
        #expect(elapsed < .seconds(5))
    }

    @Test func aFewKilobytesBombIsRejectedAtASmallCap() throws {
        let bomb = TestData.zlibBomb(copies: 16_000)  // ~4 KB inflating to ~4 MB
        #expect(bomb.stream.count < 4200)
        let receiver = try FramePayloadInflater(negotiated: true, maxMessage: 64 * 1024)
        do {
            _ = try receiver.inflate(bomb.stream)
            Issue.record("bomb accepted")
        } catch {
            #expect(error == .tooLarge(limit: 64 * 1024))
            #expect(error.code == .messageTooLarge && error.code.isFatal)
        }
    }

    @Test func capHoldsWhenFedInPiecesAndAcrossPermessageDeflate() throws {
        let plain = TestData.text(count: 50_000, seed: 4)
        let encoder = try PerMessageDeflateEncoder(windowBits: 15, noContextTakeover: false)
        var payload: [UInt8] = []
        try encoder.compress(plain, appendingTo: &payload)
        let roomy = try PerMessageDeflateDecoder(noContextTakeover: false, maxMessage: 50_000)
        #expect(try roomy.decompress(payload) == plain)
        let tight = try PerMessageDeflateDecoder(noContextTakeover: false, maxMessage: 49_999)
        #expect(throws: CompressionError.tooLarge(limit: 49_999)) { try tight.decompress(payload) }

        let inflater = try Inflater(format: .rawDeflate)
        var out: [UInt8] = []
        var thrown: CompressionError?
        for piece in stride(from: 0, to: payload.count, by: 97) {
            do {
                _ = try inflater.inflate(Array(payload[piece..<min(piece + 97, payload.count)]), appendingTo: &out, limit: 10_000)
            } catch {
                thrown = error
                break
            }
        }
        #expect(thrown == .tooLarge(limit: 10_000))
        #expect(out.count == 10_000 && out.capacity <= 10_000 + 4096)
    }
}
