/// An incremental decoder of the byte-stream binding: bytes in any split in, frames out.
///
/// Feed bytes with ``append(_:)-([UInt8])`` and pull frames with ``next()`` until it returns `nil`
/// ("need more data", not an error). Limits are checked from the header alone, before
/// any payload is buffered (FRAME-5), and frames of unknown types are skipped (FRAME-7).
/// At end of stream call ``finish()`` to learn whether a frame was cut off (FRAME-9).
///
/// ```swift
/// var decoder = FrameDecoder(maxPayload: 65_536)
/// decoder.append(bytesFromSocket)
/// while let frame = try decoder.next() {
///     let message = try Message.decodeBinary(Array(frame.payload))
/// }
/// ```
public struct FrameDecoder {
    private var buffer: [UInt8] = []
    private var readIndex = 0

    /// The largest payload accepted; raise or lower it once limits are negotiated (FRAME-6).
    public var maxPayload: Int
    /// Whether frames may carry the compressed flag (COMP section); otherwise such a frame is
    /// `COMPRESSION_NOT_NEGOTIATED`.
    public var allowsCompression: Bool

    /// Creates a decoder with the given payload limit (default: the pre-handshake limit).
    public init(maxPayload: Int = Frame.initialMaxPayload, allowsCompression: Bool = false) {
        self.maxPayload = maxPayload
        self.allowsCompression = allowsCompression
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: [UInt8]) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    private mutating func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex > 4096 && readIndex * 2 > buffer.count {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }

    /// Returns the next complete frame, or `nil` when more bytes are needed.
    ///
    /// - Throws: `FRAME_TOO_LARGE`, `BAD_VARINT`, `BAD_FRAME_FLAGS`, `EMPTY_FRAME` or
    ///   `COMPRESSION_NOT_NEGOTIATED`; every one is fatal: stop reading the connection.
    public mutating func next() throws(WireError) -> Frame? {
        while true {
            let available = buffer.count - readIndex
            guard available >= 3 else { return nil }
            let header = try readLength()
            guard let (length, lengthBytes) = header else { return nil }
            guard length <= maxPayload else {
                throw WireError(.frameTooLarge, "frame payload of \(length) bytes exceeds the limit of \(maxPayload)")
            }
            let type = FrameType(rawValue: buffer[readIndex])
            let flags = FrameFlags(rawValue: buffer[readIndex + 1])
            if type == .message {
                guard flags.isSubset(of: .known) else {
                    throw WireError(.badFrameFlags, "reserved frame flag bits \(flags.subtracting(.known).rawValue) are set")
                }
                guard !flags.contains(.compressed) || allowsCompression else {
                    throw WireError(.compressionNotNegotiated, "compressed frame but compression was not negotiated")
                }
                guard length > 0 else { throw WireError(.emptyFrame, "a MESSAGE frame has an empty payload") }
            }
            let start = readIndex + 2 + lengthBytes
            guard buffer.count - start >= length else { return nil }
            readIndex = start + length
            if type == .message {
                return Frame(type: type, flags: flags, payload: buffer[start..<readIndex])
            }
            // FRAME-7: skip a frame of a type this version does not know.
        }
    }

    /// Reads the length varint of the frame at `readIndex`: (length, its byte count), or `nil`
    /// if the varint is not complete yet.
    private func readLength() throws(WireError) -> (Int, Int)? {
        let result = buffer.withUnsafeBytes { raw in
            Result { () throws(WireError) in
                try Varint.read(UnsafeRawBufferPointer(rebasing: raw[(readIndex + 2)...]), maxLength: Frame.maxLengthBytes)
            }
        }
        switch result {
        case .failure(let error): throw WireError(.badVarint, "frame length: \(error.message)")
        case .success(.needMoreData): return nil
        case .success(.value(let length, let lengthBytes)): return (Int(length), lengthBytes)
        }
    }

    /// Declares the end of the stream.
    ///
    /// - Throws: `TRUNCATED_FRAME` if bytes of an incomplete frame remain (FRAME-9).
    public func finish() throws(WireError) {
        guard bufferedByteCount == 0 else {
            throw WireError(.truncatedFrame, "the stream ended inside a frame (\(bufferedByteCount) bytes pending)")
        }
    }
}
