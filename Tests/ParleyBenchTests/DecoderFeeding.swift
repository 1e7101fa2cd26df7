import NIOCore

/// Feeds `bytes` to `decoder` in pieces of `chunk` bytes (the whole at once for `Int.max`)
/// and returns everything it decoded, as a channel would see it.
func decodeAll<Decoder: NIOSingleStepByteToMessageDecoder>(_ decoder: Decoder, _ bytes: [UInt8], chunk: Int) throws -> [Decoder.InboundOut] {
    let processor = NIOSingleStepByteToMessageProcessor(decoder)
    var out: [Decoder.InboundOut] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + min(chunk, bytes.count))
        try processor.process(buffer: ByteBuffer(bytes: bytes[offset..<end])) { out.append($0) }
        offset = end
    }
    return out
}

/// The chunk sizes every decoder test feeds with: byte by byte, small odd pieces, all at once.
let feedingChunks = [1, 2, 7, Int.max]
