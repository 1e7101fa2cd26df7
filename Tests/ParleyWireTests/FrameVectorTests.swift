import ParleyTestSupport
import ParleyWire
import Testing

/// Runs `Spec/vectors/frames.json` through the frame decoder in one piece and byte by byte.
@Suite("Spec/vectors: frames")
struct FrameVectorTests {
    /// Feeds `bytes` in chunks of `chunk` bytes; returns the frames or the first error.
    static func decode(_ vector: FrameVector, chunk: Int) -> Result<[Frame], WireError> {
        var decoder = FrameDecoder(maxPayload: vector.maxPayload, allowsCompression: vector.allowsCompression ?? false)
        let bytes = Hex.bytes(vector.hex)
        var frames: [Frame] = []
        do throws(WireError) {
            var offset = 0
            repeat {
                let end = min(offset + chunk, bytes.count)
                decoder.append(Array(bytes[offset..<end]))
                offset = end
                while let frame = try decoder.next() { frames.append(frame) }
            } while offset < bytes.count
            try decoder.finish()
            return .success(frames)
        } catch {
            return .failure(error)
        }
    }

    @Test("frames.json: valid", arguments: Vectors.validFrames, [1, 2, 7, 1 << 20])
    func valid(_ vector: FrameVector, chunk: Int) throws {
        let frames = try Self.decode(vector, chunk: chunk).get()
        #expect(frames.map { Hex.string($0.payload) } == vector.payloads)
        if let flags = vector.flags {
            #expect(frames.map(\.flags.rawValue) == flags)
        }
    }

    @Test("frames.json: invalid", arguments: Vectors.invalidFrames, [1, 3, 1 << 20])
    func invalid(_ vector: FrameVector, chunk: Int) {
        switch Self.decode(vector, chunk: chunk) {
        case .success(let frames): Issue.record("\(vector.name) decoded to \(frames.count) frames")
        case .failure(let error): #expect(error.code.name == vector.error, "\(vector.description)")
        }
    }

    @Test("FRAME-5: an oversized frame is rejected from its header, before its payload is buffered")
    func oversizedRejectedEarly() {
        var decoder = FrameDecoder(maxPayload: 1_000)
        decoder.append([0x01, 0x00, 0xE9, 0x07])  // declares 1001 bytes
        #expect(throws: WireError(.frameTooLarge, "frame payload of 1001 bytes exceeds the limit of 1000")) {
            try decoder.next()
        }
    }
}
