import NIOCore

/// One reply or push from a Redis server (RESP2), as much as the bench needs of it.
enum RESPReply: Equatable {
    /// `:N`: PUBLISH's answer (the number of subscribers that received the message).
    case integer(Int)
    /// `+TEXT`: a status (`OK`, `PONG`).
    case status(String)
    /// `-TEXT`: an error.
    case error(String)
    /// `*3` `message` channel payload: a message pushed to a subscriber.
    case message(channel: ByteBuffer, payload: ByteBuffer)
    /// `*3` `subscribe` channel count: a subscription confirmed.
    case subscribed(channel: ByteBuffer)
    /// Any other reply (another array, a bulk string, a null): not used by the bench.
    case other
}

/// Decodes RESP2 replies from a Redis server, one per call, for NIO's single-step decoder
/// machinery. Incomplete input leaves the buffer as it was (`nil`: need more bytes); every
/// loop is bounded by the lengths announced on the wire, which are capped.
struct RESPDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = RESPReply

    /// The longest line (type byte, text or number) accepted.
    static let maxLine = 4_096
    /// The most elements an array may have (pub/sub pushes have three).
    static let maxElements = 16
    /// The largest bulk string accepted, bytes (Redis's own default limit is 512 MB).
    let maxBulk: Int

    /// A decoder that accepts bulk strings up to `maxBulk` bytes.
    init(maxBulk: Int = 1 << 24) { self.maxBulk = maxBulk }

    mutating func decode(buffer: inout ByteBuffer) throws -> RESPReply? {
        let start = buffer.readerIndex
        guard let reply = try reply(&buffer) else {
            buffer.moveReaderIndex(to: start)
            return nil
        }
        return reply
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPReply? {
        try decode(buffer: &buffer)
    }

    /// One element of an array: bulk strings and integers (pub/sub arrays hold nothing else).
    private enum Element {
        case bulk(ByteBuffer?)
        case integer(Int)
        case text
    }

    private func reply(_ b: inout ByteBuffer) throws -> RESPReply? {
        guard let type = b.readInteger(as: UInt8.self) else { return nil }
        switch type {
        case UInt8(ascii: ":"):
            return try Self.number(&b).map(RESPReply.integer)
        case UInt8(ascii: "+"):
            return try b.readCRLFLine(maxLength: Self.maxLine).map { .status(String(buffer: $0)) }
        case UInt8(ascii: "-"):
            return try b.readCRLFLine(maxLength: Self.maxLine).map { .error(String(buffer: $0)) }
        case UInt8(ascii: "$"):
            return try bulk(&b).map { _ in .other }
        case UInt8(ascii: "*"):
            return try array(&b)
        default:
            throw BenchError.malformed("RESP type byte \(type)")
        }
    }

    private func array(_ b: inout ByteBuffer) throws -> RESPReply? {
        guard let count = try Self.number(&b) else { return nil }
        guard count <= Self.maxElements else { throw BenchError.malformed("an array of \(count) elements") }
        guard count > 0 else { return .other }
        var elements: (Element?, Element?, Element?) = (nil, nil, nil)
        for k in 0..<count {
            guard let element = try element(&b) else { return nil }
            switch k {
            case 0: elements.0 = element
            case 1: elements.1 = element
            case 2: elements.2 = element
            default: break
            }
        }
        guard count == 3, case .bulk(let kind?)? = elements.0, case .bulk(let channel?)? = elements.1 else { return .other }
        if kind.readableBytesView.elementsEqual("message".utf8), case .bulk(let payload?)? = elements.2 {
            return .message(channel: channel, payload: payload)
        }
        if kind.readableBytesView.elementsEqual("subscribe".utf8) { return .subscribed(channel: channel) }
        return .other
    }

    private func element(_ b: inout ByteBuffer) throws -> Element? {
        guard let type = b.readInteger(as: UInt8.self) else { return nil }
        switch type {
        case UInt8(ascii: "$"): return try bulk(&b).map(Element.bulk)
        case UInt8(ascii: ":"): return try Self.number(&b).map(Element.integer)
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return try b.readCRLFLine(maxLength: Self.maxLine).map { _ in .text }
        default: throw BenchError.malformed("RESP element type byte \(type) (nested arrays are not expected)")
        }
    }

    /// After `$`: a length line, then that many bytes and CRLF; `.some(nil)` for the null bulk string.
    private func bulk(_ b: inout ByteBuffer) throws -> ByteBuffer?? {
        guard let length = try Self.number(&b) else { return nil }
        if length == -1 { return .some(nil) }
        guard length >= 0, length <= maxBulk else { throw BenchError.malformed("a bulk string of \(length) bytes") }
        guard b.readableBytes >= length + 2 else { return nil }
        let payload = b.readSlice(length: length)!
        guard b.readInteger(as: UInt16.self) == 0x0D0A else { throw BenchError.malformed("a bulk string without its CRLF") }
        return .some(payload)
    }

    /// A line holding a decimal integer (optionally negative), as after `:`, `$` and `*`.
    static func number(_ b: inout ByteBuffer) throws -> Int? {
        guard let line = try b.readCRLFLine(maxLength: maxLine) else { return nil }
        let digits = line.readableBytesView
        guard !digits.isEmpty, digits.count <= 19 else { throw BenchError.malformed("a number of \(digits.count) characters") }
        var value = 0
        var negative = false
        for (k, c) in digits.enumerated() {
            if k == 0, c == UInt8(ascii: "-"), digits.count > 1 {
                negative = true
                continue
            }
            guard c >= 0x30, c <= 0x39 else { throw BenchError.malformed("a number with the character \(c)") }
            value = value * 10 + Int(c - 0x30)
        }
        return negative ? -value : value
    }
}
