import NIOCore
import Testing
@testable import ParleyBench

/// The NATS decoder on what a client receives, fed byte by byte, in odd pieces and in one
/// piece, with many messages per buffer.
@Suite struct NATSDecoderTests {
    /// The greeting, pings and pongs in any case, messages with and without a reply subject
    /// (one empty, one holding CRLF), an `+OK` and an error.
    static let stream = Array(
        ("INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\n"
            + "PING\r\npong\r\n"
            + "MSG room.1 1 12\r\nhello\r\nworld\r\n"
            + "MSG room.1 1 _INBOX.2  0\r\n\r\n"
            + "msg\troom.2 9 3\r\nabc\r\n"
            + "+OK\r\n-ERR 'Unknown Protocol Operation'\r\n").utf8)

    static let expected: [NATSReply] = [
        .info, .ping, .pong,
        .message(subject: ByteBuffer(string: "room.1"), payload: ByteBuffer(string: "hello\r\nworld")),
        .message(subject: ByteBuffer(string: "room.1"), payload: ByteBuffer()),
        .message(subject: ByteBuffer(string: "room.2"), payload: ByteBuffer(string: "abc")),
        .ok, .error("'Unknown Protocol Operation'"),
    ]

    @Test(arguments: feedingChunks) func decodesEveryMessageInAnySplit(chunk: Int) throws {
        #expect(try decodeAll(NATSDecoder(), Self.stream, chunk: chunk) == Self.expected)
    }

    @Test func anIncompleteMessageWaitsForTheRest() throws {
        let message = Array("MSG room.1 1 5\r\nhello\r\n".utf8)
        for cut in 1..<message.count {
            #expect(try decodeAll(NATSDecoder(), Array(message[..<cut]), chunk: Int.max).isEmpty)
        }
    }

    @Test(arguments: [
        "HELLO\r\n",  // no such operation
        "MSG room.1 5\r\nhello\r\n",  // too few fields
        "MSG room.1 1 x\r\n",  // no size
        "MSG room.1 1 5\r\nhelloXY",  // no CRLF after the payload
        "PING\n",  // LF without CR
    ])
    func malformedMessagesAreRejected(text: String) {
        #expect(throws: BenchError.self) { try decodeAll(NATSDecoder(), Array(text.utf8), chunk: Int.max) }
    }

    @Test func payloadsOverTheLimitAreRejected() {
        #expect(throws: BenchError.self) { try decodeAll(NATSDecoder(maxPayload: 4), Array("MSG s 1 5\r\nhello\r\n".utf8), chunk: Int.max) }
    }
}
