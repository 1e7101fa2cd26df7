import ParleyWire

/// Checks the incremental frame decoder on a stream cut into reads as the input says
/// (``FrameStreamInput``): the frames and the error, if any, are the same as from one read
/// (FRAME-8), every error has a frame-decoder code, every frame respects the limit and flag
/// rules (FRAME-3, FRAME-5), and every uncompressed payload decodes to a message or a binary decoder's error code.
public enum FrameOracle {
    /// What decoding a stream produced: the frames (flags and payload) up to the first error.
    struct Decoded: Equatable {
        var frames: [Frame] = []
        var error: ErrorCode?
    }

    /// Checks one fuzzer input.
    public static func check(_ input: UnsafeRawBufferPointer) throws(OracleFailure) {
        let setup = FrameStreamInput(input)
        let split = try decode(setup.reads, setup)
        let whole = try decode([setup.stream], setup)
        try OracleFailure.require(
            split == whole, "split reads gave \(split.frames.count) frames and \(String(describing: split.error)), "
                + "one read \(whole.frames.count) frames and \(String(describing: whole.error))")
        for frame in split.frames {
            try OracleFailure.require(frame.type == .message, "a frame of unknown type \(frame.type.rawValue) was returned")
            try OracleFailure.require(frame.flags.isSubset(of: .known), "a frame with flags \(frame.flags.rawValue) was returned")
            try OracleFailure.require(
                setup.allowsCompression || !frame.flags.contains(.compressed), "a compressed frame was returned without compression")
            try OracleFailure.require(
                frame.payload.count >= 1 && frame.payload.count <= setup.maxPayload,
                "a frame of \(frame.payload.count) bytes was returned with a limit of \(setup.maxPayload)")
            if !frame.flags.contains(.compressed) { try BinaryOracle.decode(copying: frame.payload) }
        }
    }

    /// Feeds `reads` to a decoder, pulling frames after each, then ends the stream.
    static func decode(_ reads: [UnsafeRawBufferPointer], _ setup: FrameStreamInput) throws(OracleFailure) -> Decoded {
        var decoder = FrameDecoder(maxPayload: setup.maxPayload, allowsCompression: setup.allowsCompression)
        var decoded = Decoded()
        do throws(WireError) {
            for read in reads {
                decoder.append(read)
                while let frame = try decoder.next() {
                    // A copy: a kept slice would make every later append copy the decoder's buffer.
                    decoded.frames.append(Frame(type: frame.type, flags: frame.flags, payload: ArraySlice(Array(frame.payload))))
                }
            }
            try decoder.finish()
        } catch {
            try DecoderCodes.check(error, in: DecoderCodes.frames, "FrameDecoder")
            decoded.error = error.code
        }
        return decoded
    }
}
