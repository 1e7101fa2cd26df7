import ParleyCompression
import ParleyCore
import ParleyTransport
import ParleyWire
import Testing

/// The byte-stream binding of ``ConnectionCodec``: frames in any split (FRAME section),
/// per-frame compression from the welcome on (COMP-1…COMP-7), compress-once splicing (COMP-19).
@Suite struct StreamCodecTests {
    /// Encodes `items` with a server codec into one write.
    static func encode(_ items: [Outbound], compression: (any CompressionProvider)? = nil) throws -> (ConnectionCodec, [UInt8]) {
        let codec = try ConnectionCodec(profile: CodecFixtures.profile(.stream, compression: compression))
        var bytes: [UInt8] = []
        for item in items { codec.encode(item, appendingTo: &bytes) }
        return (codec, bytes)
    }

    @Test("every item round-trips, in one piece and split at every byte boundary")
    func roundTripAtEveryBoundary() throws {
        let items = CodecFixtures.items
        let expected = items.map { InboundItem.message($0.message) }
        let (_, bytes) = try Self.encode(items)
        let whole = try ConnectionCodec(profile: CodecFixtures.profile(.stream))
        #expect(CodecFixtures.decodeStream(bytes, with: whole) == expected)
        for cut in 1..<bytes.count {
            let codec = try ConnectionCodec(profile: CodecFixtures.profile(.stream))
            let decoded = CodecFixtures.decodeStream(Array(bytes[..<cut]), with: codec) + CodecFixtures.decodeStream(Array(bytes[cut...]), with: codec)
            #expect(decoded == expected, "cut at \(cut)")
        }
    }

    @Test("byte by byte")
    func byteByByte() throws {
        let items = CodecFixtures.items
        let (_, bytes) = try Self.encode(items)
        let codec = try ConnectionCodec(profile: CodecFixtures.profile(.stream))
        var decoded: [InboundItem] = []
        for byte in bytes { decoded += CodecFixtures.decodeStream([byte], with: codec) }
        #expect(decoded == items.map { .message($0.message) })
    }

    @Test("compression starts with the frame after a welcome that announces it (COMP-2)")
    func compressionStartsAfterWelcome() throws {
        let codec = try ConnectionCodec(profile: CodecFixtures.profile(.stream, compression: FrameCompression()))
        var before: [UInt8] = []
        codec.encode(.message(CodecFixtures.largeEvent), appendingTo: &before)
        #expect(!codec.isCompressing)
        #expect(before[1] == 0, "no compressed flag before the welcome")
        var welcome: [UInt8] = []
        let encoded = codec.encode(.message(CodecFixtures.welcome(compression: CodecFixtures.announced)), appendingTo: &welcome)
        #expect(!encoded.compressed, "the welcome itself is never compressed")
        #expect(codec.isCompressing)
        var after: [UInt8] = []
        #expect(codec.encode(.message(CodecFixtures.largeEvent), appendingTo: &after).compressed)
        #expect(after[1] == FrameFlags.compressed.rawValue)
        #expect(after.count < before.count / 2)
        var small: [UInt8] = []
        #expect(!codec.encode(.message(CodecFixtures.ping), appendingTo: &small).compressed, "under the threshold (COMP-3)")
    }

    @Test("with compression on, a shared event under the threshold is the same frame as without compression (COMP-3)")
    func smallSharedEventsAreFramedAsTheyAre() throws {
        let compressing = try ConnectionCodec(profile: CodecFixtures.profile(.stream, compression: FrameCompression()))
        var ignored: [UInt8] = []
        compressing.encode(.message(CodecFixtures.welcome(compression: CodecFixtures.announced)), appendingTo: &ignored)
        let plain = try ConnectionCodec(profile: CodecFixtures.profile(.stream))
        for seq: UInt64 in [1, 127, 128, 300, 1 << 40] {
            let item = Outbound.event(seq: seq, SharedEvent(CodecFixtures.smallEvent))
            var compressed: [UInt8] = []
            var expected: [UInt8] = []
            #expect(!compressing.encode(item, appendingTo: &compressed).compressed)
            plain.encode(item, appendingTo: &expected)
            #expect(compressed == expected, "seq \(seq)")
        }
    }

    @Test("a welcome announcing compression off, or a profile without a provider, leaves it off")
    func compressionStaysOff() throws {
        let off = try ConnectionCodec(profile: CodecFixtures.profile(.stream, compression: FrameCompression()))
        var bytes: [UInt8] = []
        off.encode(.message(CodecFixtures.welcome(compression: .init(enabled: false, threshold: 512))), appendingTo: &bytes)
        #expect(!off.isCompressing)
        let none = try ConnectionCodec(profile: CodecFixtures.profile(.stream))
        none.encode(.message(CodecFixtures.welcome(compression: CodecFixtures.announced)), appendingTo: &bytes)
        #expect(!none.isCompressing)
    }

    @Test("compressed frames round-trip, spliced shared events included")
    func compressedRoundTrip() throws {
        let items = [.message(CodecFixtures.welcome(compression: CodecFixtures.announced))] + CodecFixtures.items
        let (_, bytes) = try Self.encode(items, compression: FrameCompression())
        // The peer's side: a codec that has seen the same welcome inflates what follows it.
        var ignored: [UInt8] = []
        for cut in stride(from: 1, to: bytes.count, by: 7) {
            let peer = try ConnectionCodec(profile: CodecFixtures.profile(.stream, compression: FrameCompression()))
            peer.encode(.message(CodecFixtures.welcome(compression: CodecFixtures.announced)), appendingTo: &ignored)
            let decoded = CodecFixtures.decodeStream(Array(bytes[..<cut]), with: peer) + CodecFixtures.decodeStream(Array(bytes[cut...]), with: peer)
            #expect(decoded == items.map { .message($0.message) }, "cut at \(cut)")
        }
    }

    @Test("a spliced frame inflates to the same message as per-message compression, the body compressed once (COMP-19)")
    func splicedEqualsPerMessage() throws {
        let shared = SharedEvent(CodecFixtures.largeEvent)
        let welcome = Outbound.message(CodecFixtures.welcome(compression: CodecFixtures.announced))
        let inflater = try FramePayloadInflater(negotiated: true, maxMessage: 1 << 20)
        for seq: UInt64 in [1, 300, 1 << 40] {
            let (_, spliced) = try Self.encode([welcome, .event(seq: seq, shared)], compression: FrameCompression())
            let (_, whole) = try Self.encode([welcome, .message(CodecFixtures.largeEvent.settingSeq(seq))], compression: FrameCompression())
            let splicedFrame = try #require(Self.frames(spliced).last)
            let wholeFrame = try #require(Self.frames(whole).last)
            #expect(splicedFrame.flags.contains(.compressed) && wholeFrame.flags.contains(.compressed))
            #expect(splicedFrame.payload != wholeFrame.payload, "the spliced frame is not per-message compression")
            let splicedPlain = try inflater.inflate(Array(splicedFrame.payload))
            #expect(splicedPlain == (try inflater.inflate(Array(wholeFrame.payload))))
            #expect(try Message.decodeBinary(splicedPlain) == CodecFixtures.largeEvent.settingSeq(seq))
        }
        var made = 0
        _ = shared.deflatedBinaryBody { _ -> SharedDeflateBody? in made += 1; return nil }
        #expect(made == 0, "compressed once, by the first delivery, for all recipients")
    }

    @Test("an unknown message type is not fatal and names the type (VER-4); decoding goes on")
    func unknownTypeIsNotFatal() throws {
        var bytes: [UInt8] = []
        [UInt8]([99]).withUnsafeBytes { Frame.encode(flags: [], payload: $0, into: &bytes) }
        Frame.encode(CodecFixtures.ping, into: &bytes)
        let codec = try ConnectionCodec(profile: CodecFixtures.profile(.stream))
        let items = CodecFixtures.decodeStream(bytes, with: codec)
        #expect(items.count == 2)
        guard case .failure(let error, let type)? = items.first else { Issue.record("no failure"); return }
        #expect(error.code == .unknownMessageType && type == 99)
        #expect(items.last == .message(CodecFixtures.ping))
    }

    @Test("fatal errors stop decoding: oversized frame, compressed before the welcome, corrupt compressed data")
    func fatalErrors() throws {
        let oversize = try ConnectionCodec(profile: ConnectionProfile(binding: .stream, limits: .init(maxFramePayload: 16)))
        var big: [UInt8] = []
        Frame.encode(CodecFixtures.largeEvent, into: &big)
        Frame.encode(CodecFixtures.ping, into: &big)
        #expect(Self.codes(CodecFixtures.decodeStream(big, with: oversize)) == [.frameTooLarge])
        #expect(oversize.isStopped)
        #expect(CodecFixtures.decodeStream(big, with: oversize).isEmpty, "input after a fatal error is discarded (ERR-3)")

        let compressed: [UInt8] = [0x01, 0x01, 0x02, 0x78, 0x9c]
        let early = try ConnectionCodec(profile: CodecFixtures.profile(.stream, compression: FrameCompression()))
        #expect(Self.codes(CodecFixtures.decodeStream(compressed, with: early)) == [.compressionNotNegotiated])

        let corrupt = try ConnectionCodec(profile: CodecFixtures.profile(.stream, compression: FrameCompression()))
        var ignored: [UInt8] = []
        corrupt.encode(.message(CodecFixtures.welcome(compression: CodecFixtures.announced)), appendingTo: &ignored)
        #expect(Self.codes(CodecFixtures.decodeStream(compressed, with: corrupt)) == [.decompressionFailed])
        #expect(corrupt.isStopped)
    }

    @Test("an inflated frame over maxMessage is MESSAGE_TOO_LARGE (COMP-6)")
    func inflatedTooLarge() throws {
        let compressor = FramePayloadCompressor(settings: .init(enabled: true, threshold: 0, level: .default))
        var payload: [UInt8] = []
        CodecFixtures.largeEvent.encodeBinary(into: &payload)
        var deflated: [UInt8] = []
        #expect(try compressor.encode(payload, appendingTo: &deflated))
        var bytes: [UInt8] = []
        deflated.withUnsafeBytes { Frame.encode(flags: .compressed, payload: $0, into: &bytes) }
        let codec = try ConnectionCodec(profile: CodecFixtures.profile(.stream, compression: FrameCompression(), maxMessage: 256))
        var ignored: [UInt8] = []
        codec.encode(.message(CodecFixtures.welcome(compression: CodecFixtures.announced)), appendingTo: &ignored)
        #expect(Self.codes(CodecFixtures.decodeStream(bytes, with: codec)) == [.messageTooLarge])
    }

    /// The frames in `bytes`.
    static func frames(_ bytes: [UInt8]) throws -> [Frame] {
        var decoder = FrameDecoder(maxPayload: 1 << 20, allowsCompression: true)
        decoder.append(bytes)
        var frames: [Frame] = []
        while let frame = try decoder.next() { frames.append(frame) }
        return frames
    }

    /// The error codes of the failures in `items`.
    static func codes(_ items: [InboundItem]) -> [ErrorCode] {
        items.compactMap { if case .failure(let error, _) = $0 { error.code } else { nil } }
    }
}
