/// How a `FuzzFrames` input is read: a small header picks the decoder's settings and the
/// sizes of the reads the stream is cut into; the rest is the byte stream itself.
///
/// ```
/// byte 0:    bits 0-3 pick maxPayload from `limits`; bit 7 sets allowsCompression
/// byte 1:    bits 0-3: n, the number of read sizes that follow (0: one read of everything)
/// n bytes:   read sizes, used in turn and cycled; 0 means an empty read, then a 1-byte read
/// the rest:  the stream
/// ```
///
/// Missing header bytes count as zero, so every input is valid. The regression test in the
/// main package (Tests/ParleyWireTests/FuzzRegressionTests.swift) reads files the same way.
public struct FrameStreamInput {
    /// The payload limits an input can choose from: edges of the 1-, 2- and 3-byte length
    /// varints, the pre-handshake limit and the largest any peer may announce (FRAME-5, FRAME-6).
    public static let limits = [0, 1, 2, 3, 5, 8, 16, 64, 127, 128, 300, 4096, 16_383, 16_384, 65_536, 16 << 20]

    /// The decoder's payload limit.
    public var maxPayload: Int
    /// Whether compressed MESSAGE frames are accepted.
    public var allowsCompression: Bool
    /// The sizes of successive reads (cycled); empty means the whole stream in one read.
    public var readSizes: [Int]
    /// The bytes of the stream.
    public var stream: UnsafeRawBufferPointer

    /// Splits a fuzzer input into settings and stream.
    public init(_ input: UnsafeRawBufferPointer) {
        let settings = input.count > 0 ? input[0] : 0
        let count = input.count > 1 ? Int(input[1] & 0x0F) : 0
        let sizesEnd = min(input.count, 2 + count)
        maxPayload = FrameStreamInput.limits[Int(settings & 0x0F)]
        allowsCompression = settings & 0x80 != 0
        readSizes = sizesEnd > 2 ? input[2..<sizesEnd].map(Int.init) : []
        stream = UnsafeRawBufferPointer(rebasing: input[sizesEnd...])
    }

    /// The stream cut into reads as the header says; an empty read precedes each 1-byte read
    /// that stands for a size of 0.
    public var reads: [UnsafeRawBufferPointer] {
        guard !readSizes.isEmpty else { return [stream] }
        var reads: [UnsafeRawBufferPointer] = []
        var offset = 0
        var turn = 0
        while offset < stream.count {
            var size = readSizes[turn % readSizes.count]
            turn += 1
            if size == 0 {
                reads.append(UnsafeRawBufferPointer(rebasing: stream[offset..<offset]))
                size = 1
            }
            let end = min(offset + size, stream.count)
            reads.append(UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
            offset = end
        }
        return reads
    }
}
