import ParleyCompression
import ParleyCore
import ParleyTransport
import ParleyWire
import Testing

/// The WebSocket bindings of ``ConnectionCodec``: one message per WebSocket message in the
/// subprotocol's encoding (WS-1…WS-3), permessage-deflate when negotiated (COMP-9…COMP-18).
@Suite struct WebSocketCodecTests {
    /// One encoded WebSocket message.
    struct Sent {
        var bytes: [UInt8]
        var encoded: EncodedMessage
    }

    /// Encodes every item as its own WebSocket message.
    static func send(_ items: [Outbound], _ profile: ConnectionProfile) throws -> [Sent] {
        let codec = try ConnectionCodec(profile: profile)
        var buffer: [UInt8] = []
        return items.map { item in
            buffer.removeAll(keepingCapacity: true)
            let encoded = codec.encode(item, appendingTo: &buffer)
            return Sent(bytes: buffer, encoded: encoded)
        }
    }

    @Test("every item round-trips in both encodings, compressed or not", arguments: [Binding.webSocketJSON, .webSocketBinary], [false, true])
    func roundTrip(binding: Binding, compressed: Bool) throws {
        let profile = CodecFixtures.profile(binding, compression: compressed ? CodecFixtures.deflate : nil)
        #expect(profile.encoding == (binding == .webSocketJSON ? .json : .binary))
        let items = CodecFixtures.items
        let sent = try Self.send(items, profile)
        let receiver = try ConnectionCodec(profile: profile)
        for (item, message) in zip(items, sent) {
            #expect(message.encoded == EncodedMessage(kind: binding == .webSocketJSON ? .text : .binary, compressed: compressed))
            #expect(receiver.decode(webSocketMessage: message.bytes, kind: message.encoded.kind, compressed: message.encoded.compressed) == .message(item.message))
        }
        if binding == .webSocketJSON && !compressed {
            #expect(try Message.decodeJSON(sent[1].bytes) == CodecFixtures.ping, "plain JSON text")
        }
    }

    @Test("without context takeover, a binary message splices the body compressed once; with it, each is compressed whole (COMP-19…COMP-21)")
    func splicing() throws {
        let spliced = SharedEvent(CodecFixtures.largeEvent)
        let profile = CodecFixtures.profile(.webSocketBinary, compression: CodecFixtures.deflateNoTakeover)
        let sent = try Self.send([1, 300, 1 << 40].map { .event(seq: $0, spliced) } + [.message(CodecFixtures.ping)], profile)
        let receiver = try ConnectionCodec(profile: profile)
        for (message, seq) in zip(sent, [UInt64(1), 300, 1 << 40]) {
            #expect(message.encoded.compressed)
            #expect(receiver.decode(webSocketMessage: message.bytes, kind: .binary, compressed: true) == .message(CodecFixtures.largeEvent.settingSeq(seq)))
        }
        #expect(receiver.decode(webSocketMessage: sent[3].bytes, kind: .binary, compressed: true) == .message(CodecFixtures.ping))
        var made = 0
        #expect(spliced.deflatedBinaryBody { _ -> SharedDeflateBody? in made += 1; return nil } != nil)
        #expect(made == 0, "the body was compressed once, for every delivery")

        let whole = SharedEvent(CodecFixtures.largeEvent)
        _ = try Self.send([.event(seq: 1, whole)], CodecFixtures.profile(.webSocketBinary, compression: CodecFixtures.deflate))
        #expect(whole.deflatedBinaryBody { _ -> SharedDeflateBody? in made += 1; return nil } == nil)
        #expect(made == 1, "with context takeover, nothing was compressed once")
        _ = try Self.send([.event(seq: 1, whole)], CodecFixtures.profile(.webSocketJSON, compression: CodecFixtures.deflateNoTakeover))
        #expect(whole.deflatedBinaryBody { _ -> SharedDeflateBody? in made += 1; return nil } == nil)
        #expect(made == 2, "a JSON message is compressed whole")
    }

    @Test("the wrong message kind is ENCODING_NOT_NEGOTIATED (WS-2), fatal")
    func wrongKind() throws {
        let codec = try ConnectionCodec(profile: CodecFixtures.profile(.webSocketJSON))
        var bytes: [UInt8] = []
        CodecFixtures.ping.encodeJSON(into: &bytes)
        guard case .failure(let error, nil)? = codec.decode(webSocketMessage: bytes, kind: .binary, compressed: false) else {
            Issue.record("no failure")
            return
        }
        #expect(error.code == .encodingNotNegotiated)
        #expect(codec.isStopped)
        #expect(codec.decode(webSocketMessage: bytes, kind: .text, compressed: false) == nil, "input after a fatal error is discarded")
    }

    @Test("a message over maxMessage is MESSAGE_TOO_LARGE (WS-3), also when it inflates past it")
    func tooLarge() throws {
        var payload: [UInt8] = []
        CodecFixtures.largeEvent.encodeBinary(into: &payload)
        let plain = try ConnectionCodec(profile: CodecFixtures.profile(.webSocketBinary, maxMessage: 256))
        #expect(Self.code(plain.decode(webSocketMessage: payload, kind: .binary, compressed: false)) == .messageTooLarge)

        // A transport joining fragments checks the size so far and stops at the first one over.
        let fragments = try ConnectionCodec(profile: CodecFixtures.profile(.webSocketBinary, maxMessage: 256))
        #expect(fragments.checkWebSocketMessage(byteCount: 200, compressed: false) == nil)
        #expect(Self.code(fragments.checkWebSocketMessage(byteCount: 400, compressed: false)) == .messageTooLarge)
        #expect(fragments.isStopped)

        let sent = try Self.send([.message(CodecFixtures.largeEvent)], CodecFixtures.profile(.webSocketBinary, compression: CodecFixtures.deflate))
        #expect(sent[0].bytes.count < 256)
        let inflating = try ConnectionCodec(profile: CodecFixtures.profile(.webSocketBinary, compression: CodecFixtures.deflate, maxMessage: 256))
        #expect(Self.code(inflating.decode(webSocketMessage: sent[0].bytes, kind: .binary, compressed: true)) == .messageTooLarge)
    }

    @Test("RSV1 without permessage-deflate is COMPRESSION_NOT_NEGOTIATED; corrupt data DECOMPRESSION_FAILED")
    func compressionErrors() throws {
        let plain = try ConnectionCodec(profile: CodecFixtures.profile(.webSocketBinary))
        #expect(Self.code(plain.decode(webSocketMessage: [0x4a, 0x01], kind: .binary, compressed: true)) == .compressionNotNegotiated)
        let deflate = try ConnectionCodec(profile: CodecFixtures.profile(.webSocketBinary, compression: CodecFixtures.deflate))
        #expect(Self.code(deflate.decode(webSocketMessage: [0xff, 0xff, 0xff], kind: .binary, compressed: true)) == .decompressionFailed)
    }

    @Test("an unknown binary message type is not fatal and names the type (VER-4)")
    func unknownType() throws {
        let codec = try ConnectionCodec(profile: CodecFixtures.profile(.webSocketBinary))
        guard case .failure(let error, let type)? = codec.decode(webSocketMessage: [99], kind: .binary, compressed: false) else {
            Issue.record("no failure")
            return
        }
        #expect(error.code == .unknownMessageType && type == 99)
        #expect(!codec.isStopped)
    }

    @Test("a transport's own framing failure stops the codec once")
    func transportFailure() throws {
        let codec = try ConnectionCodec(profile: CodecFixtures.profile(.webSocketBinary))
        let error = WireError(.malformedMessage, "a continuation frame without a message")
        #expect(codec.fail(error) == .failure(error, messageType: nil))
        #expect(codec.fail(error) == nil)
    }

    static func code(_ item: InboundItem?) -> ErrorCode? {
        if case .failure(let error, _)? = item { error.code } else { nil }
    }
}
