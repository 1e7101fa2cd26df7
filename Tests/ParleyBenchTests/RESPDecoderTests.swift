import NIOCore
import Testing
@testable import ParleyBench

/// The Redis reply decoder on what a pub/sub client receives, fed byte by byte, in odd pieces
/// and in one piece, with many replies per buffer.
@Suite struct RESPDecoderTests {
    /// A subscription confirmed, two pushed messages (one of them empty), PUBLISH answers, an
    /// error, a status, an unsubscribe (another array) and a null bulk string.
    static let stream = Array(
        ("*3\r\n$9\r\nsubscribe\r\n$6\r\nroom.1\r\n:1\r\n"
            + "*3\r\n$7\r\nmessage\r\n$6\r\nroom.1\r\n$12\r\nhello\r\nworld\r\n"
            + "*3\r\n$7\r\nmessage\r\n$6\r\nroom.1\r\n$0\r\n\r\n"
            + ":3\r\n:-1\r\n-ERR wrong number of arguments\r\n+OK\r\n"
            + "*3\r\n$11\r\nunsubscribe\r\n$6\r\nroom.1\r\n:0\r\n$-1\r\n").utf8)

    static let expected: [RESPReply] = [
        .subscribed(channel: ByteBuffer(string: "room.1")),
        .message(channel: ByteBuffer(string: "room.1"), payload: ByteBuffer(string: "hello\r\nworld")),
        .message(channel: ByteBuffer(string: "room.1"), payload: ByteBuffer()),
        .integer(3), .integer(-1), .error("ERR wrong number of arguments"), .status("OK"), .other, .other,
    ]

    @Test(arguments: feedingChunks) func decodesEveryReplyInAnySplit(chunk: Int) throws {
        #expect(try decodeAll(RESPDecoder(), Self.stream, chunk: chunk) == Self.expected)
    }

    @Test func anIncompleteReplyWaitsForTheRest() throws {
        let message = Array("*3\r\n$7\r\nmessage\r\n$1\r\nr\r\n$5\r\nhello\r\n".utf8)
        for cut in 1..<message.count {
            #expect(try decodeAll(RESPDecoder(), Array(message[..<cut]), chunk: Int.max).isEmpty)
        }
    }

    @Test(arguments: [
        "!1\r\n",  // no such type
        "*99\r\n",  // more elements than a push has
        "$5\r\nhelloXY",  // no CRLF after the bulk string
        ":12a\r\n",  // not a number
        ":1\n",  // LF without CR
        "*1\r\n*1\r\n:1\r\n",  // nested array
    ])
    func malformedRepliesAreRejected(text: String) {
        #expect(throws: BenchError.self) { try decodeAll(RESPDecoder(), Array(text.utf8), chunk: Int.max) }
    }

    @Test func bulkStringsOverTheLimitAreRejected() {
        #expect(throws: BenchError.self) { try decodeAll(RESPDecoder(maxBulk: 4), Array("$5\r\nhello\r\n".utf8), chunk: Int.max) }
    }

    @Test func aLineWithoutEndIsRejectedAtTheLimit() {
        let long = Array(("+" + String(repeating: "x", count: RESPDecoder.maxLine + 2)).utf8)
        #expect(throws: BenchError.self) { try decodeAll(RESPDecoder(), long, chunk: 100) }
    }
}
