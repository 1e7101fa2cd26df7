import ParleyCompression
import Testing

/// COMP-1…COMP-5: the compressed frame flag, the threshold and the off switch.
@Suite struct FramePayloadTests {
    @Test func compressesOnlyFromTheThresholdAndOnlyWhenEnabled() throws {
        let settings = CompressionSettings(enabled: true, threshold: 100, level: .best)
        let compressor = FramePayloadCompressor(settings: settings)
        let receiver = try FramePayloadInflater(negotiated: true, maxMessage: 1000)
        let small = TestData.text(count: 99, seed: 1)
        var out: [UInt8] = []
        #expect(try compressor.encode(small, appendingTo: &out) == false)
        #expect(out == small)
        let large = TestData.text(count: 100, seed: 1)
        out = []
        #expect(try compressor.encode(large, appendingTo: &out) == true)
        #expect(out != large && out.prefix(2) == [0x78, 0xda])
        #expect(try receiver.inflate(out) == large)
        // The compressor is reused frame after frame (reset between streams).
        out = []
        #expect(try compressor.encode(large, appendingTo: &out) == true)
        #expect(try receiver.inflate(out) == large)

        let off = FramePayloadCompressor(settings: .disabled)
        out = []
        #expect(try off.encode(TestData.text(count: 100_000, seed: 2), appendingTo: &out) == false)
        #expect(FramePayloadCompressor.compressedFlag == 0x01)
    }

    @Test func settingsAnnounceWhatTheServerDoes() {
        #expect(CompressionSettings.standard.enabled && CompressionSettings.standard.threshold == 512)
        #expect(!CompressionSettings.disabled.shouldCompress(payloadCount: 1 << 20))
        #expect(CompressionSettings(enabled: true, threshold: -5, level: .fastest).threshold == 0)
        #expect(CompressionSettings.standard.shouldCompress(payloadCount: 512))
        #expect(!CompressionSettings.standard.shouldCompress(payloadCount: 511))
    }

    @Test func compressedFrameWithoutNegotiationIsRejected() throws {
        let receiver = try FramePayloadInflater(negotiated: false, maxMessage: 1000)
        do {
            _ = try receiver.inflate([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
            Issue.record("accepted")
        } catch {
            #expect(error == .notNegotiated && error.code == .compressionNotNegotiated && error.code.isFatal)
        }
        #expect(throws: CompressionError.invalidArgument("maxMessage must be positive")) { try FramePayloadInflater(negotiated: true, maxMessage: 0) }
    }
}
