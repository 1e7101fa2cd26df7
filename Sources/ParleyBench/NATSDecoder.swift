import NIOCore

/// One message from a NATS server, as much as the bench needs of it.
enum NATSReply: Equatable {
    /// `INFO {…}`: the server's greeting (its JSON is not read).
    case info
    /// `MSG subject sid [reply-to] #bytes` and the payload: a message for a subscription.
    case message(subject: ByteBuffer, payload: ByteBuffer)
    /// `PING`: to be answered with `PONG`.
    case ping
    /// `PONG`: the answer to the client's `PING`.
    case pong
    /// `+OK` (verbose mode only).
    case ok
    /// `-ERR 'text'`.
    case error(String)
}

/// Decodes the NATS client protocol's server messages, one per call, for NIO's single-step
/// decoder machinery. Incomplete input leaves the buffer as it was (`nil`); a control line is
/// at most ``maxControlLine`` bytes (the server's own default) and a payload at most `maxPayload`.
struct NATSDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = NATSReply

    /// The longest control line accepted.
    static let maxControlLine = 4_096
    /// The largest payload accepted, bytes (the server's default `max_payload` is 1 MB).
    let maxPayload: Int

    /// A decoder that accepts payloads up to `maxPayload` bytes.
    init(maxPayload: Int = 1 << 24) { self.maxPayload = maxPayload }

    mutating func decode(buffer: inout ByteBuffer) throws -> NATSReply? {
        let start = buffer.readerIndex
        guard let reply = try reply(&buffer) else {
            buffer.moveReaderIndex(to: start)
            return nil
        }
        return reply
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> NATSReply? {
        try decode(buffer: &buffer)
    }

    private func reply(_ b: inout ByteBuffer) throws -> NATSReply? {
        guard let line = try b.readCRLFLine(maxLength: Self.maxControlLine) else { return nil }
        let bytes = line.readableBytesView
        let verbEnd = bytes.firstIndex(where: Self.isBlank) ?? bytes.endIndex
        let verb = bytes[bytes.startIndex..<verbEnd]
        if Self.matches(verb, "MSG") { return try message(line, &b) }
        if Self.matches(verb, "PING") { return .ping }
        if Self.matches(verb, "PONG") { return .pong }
        if Self.matches(verb, "INFO") { return .info }
        if Self.matches(verb, "+OK") { return .ok }
        if Self.matches(verb, "-ERR") { return .error(String(decoding: bytes[verbEnd...].drop(while: Self.isBlank), as: UTF8.self)) }
        throw BenchError.malformed("NATS operation \(String(decoding: verb.prefix(16), as: UTF8.self))")
    }

    /// `MSG <subject> <sid> [reply-to] <#bytes>`, then the payload and CRLF.
    private func message(_ line: ByteBuffer, _ b: inout ByteBuffer) throws -> NATSReply? {
        let bytes = line.readableBytesView
        var fields = 0
        var subject = 0..<0
        var last = 0..<0
        var i = bytes.startIndex
        while i < bytes.endIndex {
            while i < bytes.endIndex, Self.isBlank(bytes[i]) { i += 1 }
            let start = i
            while i < bytes.endIndex, !Self.isBlank(bytes[i]) { i += 1 }
            guard i > start else { continue }
            fields += 1
            if fields == 2 { subject = start..<i }
            last = start..<i
        }
        guard fields == 4 || fields == 5, let size = Self.decimal(bytes[last]) else {
            throw BenchError.malformed("a NATS MSG line with \(fields) fields")
        }
        guard size <= maxPayload else { throw BenchError.malformed("a NATS payload of \(size) bytes") }
        guard b.readableBytes >= size + 2 else { return nil }
        let payload = b.readSlice(length: size)!
        guard b.readInteger(as: UInt16.self) == 0x0D0A else { throw BenchError.malformed("a NATS payload without its CRLF") }
        return .message(subject: line.getSlice(at: line.readerIndex + subject.lowerBound - bytes.startIndex, length: subject.count)!, payload: payload)
    }

    private static func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }

    /// Whether `verb` is `name` (upper case), ignoring ASCII case (NATS operations are case-insensitive).
    private static func matches(_ verb: ByteBufferView.SubSequence, _ name: StaticString) -> Bool {
        guard verb.count == name.utf8CodeUnitCount else { return false }
        let upper = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        for (a, b) in zip(verb, upper) where a != b {
            let isLetter = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")
            guard isLetter, a == b | 0x20 else { return false }
        }
        return true
    }

    /// A non-negative decimal number of at most 9 digits, or `nil`.
    private static func decimal(_ digits: ByteBufferView.SubSequence) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value = 0
        for c in digits {
            guard c >= 0x30, c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }
}
