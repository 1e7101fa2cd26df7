/// How a `FuzzInflate` input is read: a small header picks the inflater and its cap and cuts
/// the rest into the payloads of successive messages on one connection.
///
/// ```
/// byte 0:    bits 0-1 pick the inflater (0, 1: zlib frames; 2: raw deflate without context
///            takeover; 3: raw deflate with context takeover); bits 2-5 pick the cap from `caps`
/// byte 1:    bits 0-3: n, the number of payload sizes that follow
/// n bytes:   the sizes of the first n payloads (0 is an empty payload)
/// the rest:  the last payload (absent when empty and n > 0)
/// ```
///
/// Missing bytes count as zero, so every input is valid; `Fuzz/make-corpus.py` writes seeds the
/// same way.
public struct InflateInput {
    /// The inflater an input exercises.
    public enum Mode: Sendable {
        /// `FramePayloadInflater`: each payload one zlib stream (COMP-5…COMP-7).
        case zlibFrames
        /// `PerMessageDeflateDecoder` of a peer that resets its compressor per message.
        case rawDeflateNoContextTakeover
        /// `PerMessageDeflateDecoder` of a peer that keeps its window across messages.
        case rawDeflateContextTakeover
    }

    /// The caps an input can choose from: 64 B to 64 KiB, with the edges around powers of two
    /// and the 32 KiB deflate window.
    public static let caps = [64, 100, 128, 255, 256, 257, 512, 1000, 1024, 4095, 4096, 4097, 8192, 16_384, 32_768, 65_536]

    /// The inflater.
    public var mode: Mode
    /// The cap on one inflated message, in bytes.
    public var cap: Int
    /// The compressed payloads, in the order they arrive.
    public var payloads: [[UInt8]]

    /// Splits a fuzzer input into settings and payloads.
    public init(_ input: UnsafeRawBufferPointer) {
        let settings = input.count > 0 ? input[0] : 0
        let count = input.count > 1 ? Int(input[1] & 0x0F) : 0
        let sizesEnd = min(input.count, 2 + count)
        switch settings & 0x03 {
        case 2: mode = .rawDeflateNoContextTakeover
        case 3: mode = .rawDeflateContextTakeover
        default: mode = .zlibFrames
        }
        cap = InflateInput.caps[Int(settings >> 2) & 0x0F]
        payloads = []
        var offset = sizesEnd
        for size in input[min(2, sizesEnd)..<sizesEnd] {
            let end = min(offset + Int(size), input.count)
            payloads.append(Array(input[offset..<end]))
            offset = end
        }
        if offset < input.count || count == 0 { payloads.append(Array(input[offset...])) }
    }
}
