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
    /// - Complexity: O(prefix + suffix + shared bytes), all memory copies; no allocation when
    ///   `output` has the capacity.
    public static func appendPerMessageDeflate(prefix: [UInt8], body: SharedDeflateBody, suffix: [UInt8], to output: inout [UInt8]) {
        let shared = body.blocks.count - syncMarker.count
        // When the suffix is empty, the body's own closing block is the stripped tail.
        let size = storedSize(prefix.count, headerWritten: false) + shared
            + (suffix.isEmpty ? 0 : storedSize(suffix.count, headerWritten: true) + 1)
        output.appendInPlace(room: size) { pointer, _ in
            var cursor = writeStored(prefix, headerWritten: false, at: pointer)
            cursor = copy(body.blocks, count: shared, to: cursor)
            if !suffix.isEmpty {
                cursor = writeStored(suffix, headerWritten: true, at: cursor)
                cursor.pointee = 0x00  // header of the closing empty stored block, whose tail is stripped
                cursor += 1
            }
            return cursor - pointer
        }
    }

    /// Appends a complete zlib stream (RFC 1950) for `prefix` + body + `suffix`, as a
    /// compressed frame payload of the byte-stream binding.
    /// - Complexity: as ``appendPerMessageDeflate(prefix:body:suffix:to:)``, plus the Adler-32
    ///   of prefix and suffix.
    public static func appendZlib(prefix: [UInt8], body: SharedDeflateBody, suffix: [UInt8], to output: inout [UInt8]) {
        let shared = body.blocks.count - syncMarker.count
        let size = zlibHeader.count + storedSize(prefix.count, headerWritten: false) + shared
            + storedSize(suffix.count, headerWritten: true) + emptyFinalBlock.count + 4
        var adler = Adler32.checksum(prefix, continuing: Adler32.initial)
        adler = Adler32.combine(adler, body.adler32, secondCount: body.plainCount)
        adler = Adler32.combine(adler, Adler32.checksum(suffix, continuing: Adler32.initial), secondCount: suffix.count)
        output.appendInPlace(room: size) { pointer, _ in
            var cursor = copy(zlibHeader, count: zlibHeader.count, to: pointer)
            cursor = writeStored(prefix, headerWritten: false, at: cursor)
            cursor = copy(body.blocks, count: shared, to: cursor)
            cursor = writeStored(suffix, headerWritten: true, at: cursor)
            cursor = copy(emptyFinalBlock, count: emptyFinalBlock.count, to: cursor)
            for shift in [24, 16, 8, 0] as [UInt32] {
                cursor.pointee = UInt8(truncatingIfNeeded: adler >> shift)
                cursor += 1
            }
            return cursor - pointer
        }
    }

    /// The bytes ``writeStored(_:headerWritten:at:)`` writes for `count` bytes.
    static func storedSize(_ count: Int, headerWritten: Bool) -> Int {
        if count == 0 { return headerWritten ? 4 : 0 }
        let blocks = (count + maxStoredBlock - 1) / maxStoredBlock
        return count + blocks * 5 - (headerWritten ? 1 : 0)
    }

    /// Writes `bytes` as non-final stored blocks of at most 65,535 bytes and returns the end.
    /// With `headerWritten`, the first block's 3 header bits and padding are already written
    /// (the shared body's closing block), so it starts at LEN and is written even when `bytes`
    /// is empty; otherwise nothing is written for no bytes.
    static func writeStored(_ bytes: [UInt8], headerWritten: Bool, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var cursor = start
        if bytes.isEmpty && !headerWritten { return cursor }
        var offset = 0
        var needsHeader = !headerWritten
        repeat {
            let length = min(maxStoredBlock, bytes.count - offset)
            if needsHeader {
                cursor.pointee = 0x00  // BFINAL 0, BTYPE 00, padding
                cursor += 1
            }
            needsHeader = true
            let field = UInt16(length)
            cursor[0] = UInt8(truncatingIfNeeded: field)
            cursor[1] = UInt8(field >> 8)
            cursor[2] = UInt8(truncatingIfNeeded: ~field)
            cursor[3] = UInt8(~field >> 8)
            cursor += 4
            bytes.withUnsafeBufferPointer { source in
                if length > 0 { cursor.update(from: source.baseAddress! + offset, count: length) }
            }
            cursor += length
            offset += length
        } while offset < bytes.count
        return cursor
    }

    /// Copies the first `count` bytes of `bytes` to `cursor` and returns the end.
    static func copy(_ bytes: [UInt8], count: Int, to cursor: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        bytes.withUnsafeBufferPointer { source in
            if count > 0 { cursor.update(from: source.baseAddress!, count: count) }
        }
        return cursor + count
    }
}
