import NIOCore

extension ByteBuffer {
    /// Reads one line of a text protocol (RESP, NATS): its bytes up to CRLF, both consumed and
    /// neither returned; `nil`, with nothing consumed, if the CRLF has not arrived yet.
    /// - Throws: ``BenchError/malformed(_:)`` for a line over `maxLength` bytes or a bare LF.
    /// - Complexity: O(`maxLength`) at most.
    mutating func readCRLFLine(maxLength: Int) throws -> ByteBuffer? {
        let view = readableBytesView
        let scanned = Swift.min(view.count, maxLength + 2)
        var offset = 0
        while offset < scanned {
            if view[view.startIndex + offset] == 0x0A {
                guard offset > 0, view[view.startIndex + offset - 1] == 0x0D else { throw BenchError.malformed("a line ending in LF without CR") }
                let line = readSlice(length: offset - 1)!
                moveReaderIndex(forwardBy: 2)
                return line
            }
            offset += 1
        }
        guard view.count < maxLength + 2 else { throw BenchError.malformed("a line longer than \(maxLength) bytes") }
        return nil
    }
}
