/// Builds a subscriber's compressed message around a ``SharedDeflateBody`` without
/// recompressing it (COMP-19): `prefix` in stored blocks, then the shared blocks, whose closing
/// empty stored block is reused to carry `suffix`, then the end of the stream.
///
/// Per subscriber this costs a copy of the shared bytes plus O(prefix + suffix): no deflate.
/// Stored blocks are valid at any byte boundary and the shared blocks refer only to their own
/// bytes, so any inflater accepts the result, whatever it has seen before.
public enum DeflateSplice {
    /// The tail a sync flush ends with, removed from and re-added to permessage-deflate messages.
    public static let syncMarker: [UInt8] = [0x00, 0x00, 0xff, 0xff]
    /// The largest stored block, in bytes.
    static let maxStoredBlock = 65_535
    /// A zlib header (RFC 1950): deflate, 32 KiB window, default level, no dictionary.
    static let zlibHeader: [UInt8] = [0x78, 0x9c]
    /// An empty final block with fixed Huffman codes: just the end-of-block code.
    static let emptyFinalBlock: [UInt8] = [0x03, 0x00]

    /// Appends a permessage-deflate message payload (tail already stripped) for
    /// `prefix` + body + `suffix`.
    public static func appendPerMessageDeflate(prefix: [UInt8], body: SharedDeflateBody, suffix: [UInt8], to output: inout [UInt8]) {
        appendStored(prefix, headerWritten: false, to: &output)
        output.append(contentsOf: body.blocks.dropLast(syncMarker.count))
        guard !suffix.isEmpty else { return }  // the body's own marker was the stripped tail
        appendStored(suffix, headerWritten: true, to: &output)
        output.append(0x00)  // header of the closing empty stored block, whose tail is stripped
    }

    /// Appends a complete zlib stream (RFC 1950) for `prefix` + body + `suffix`, as a
    /// compressed frame payload of the byte-stream binding.
    public static func appendZlib(prefix: [UInt8], body: SharedDeflateBody, suffix: [UInt8], to output: inout [UInt8]) {
        output.append(contentsOf: zlibHeader)
        appendStored(prefix, headerWritten: false, to: &output)
        output.append(contentsOf: body.blocks.dropLast(syncMarker.count))
        appendStored(suffix, headerWritten: true, to: &output)
        output.append(contentsOf: emptyFinalBlock)
        var adler = Adler32.checksum(prefix, continuing: Adler32.initial)
        adler = Adler32.combine(adler, body.adler32, secondCount: body.plainCount)
        adler = Adler32.combine(adler, Adler32.checksum(suffix, continuing: Adler32.initial), secondCount: suffix.count)
        output.append(contentsOf: [UInt8(adler >> 24), UInt8(truncatingIfNeeded: adler >> 16), UInt8(truncatingIfNeeded: adler >> 8), UInt8(truncatingIfNeeded: adler)])
    }

    /// Appends `bytes` as non-final stored blocks of at most 65,535 bytes. With `headerWritten`,
    /// the first block's 3 header bits and padding are already in `output` (the shared body's
    /// closing block), so it starts at LEN and is written even when `bytes` is empty.
    static func appendStored(_ bytes: [UInt8], headerWritten: Bool, to output: inout [UInt8]) {
        var start = 0
        var needsHeader = !headerWritten
        if bytes.isEmpty && needsHeader { return }
        repeat {
            let end = min(start + maxStoredBlock, bytes.count)
            if needsHeader { output.append(0x00) }  // BFINAL 0, BTYPE 00, padding
            needsHeader = true
            let length = UInt16(end - start)
            output.append(contentsOf: [UInt8(truncatingIfNeeded: length), UInt8(length >> 8), UInt8(truncatingIfNeeded: ~length), UInt8(~length >> 8)])
            output.append(contentsOf: bytes[start..<end])
            start = end
        } while start < bytes.count
    }
}
