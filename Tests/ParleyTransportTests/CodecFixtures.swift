import ParleyCompression
import ParleyCore
import ParleyTransport
import ParleyWire

/// Messages, profiles and peers shared by the codec tests.
enum CodecFixtures {
    /// A chat event large enough to be compressed (over the 512-byte threshold).
    static let largeEvent = Message.event(.init(seq: 0, event: .init(
        conversation: "c1", cseq: 7, kind: .message, time: 1, sender: "ana", senderRole: .agent,
        text: String(repeating: "Your parcel ships tomorrow. ", count: 60))))

    /// A small chat event, under the threshold.
    static let smallEvent = Message.event(.init(seq: 0, event: .init(
        conversation: "c1", cseq: 8, kind: .message, time: 2, sender: "ana", senderRole: .agent, text: "Hello!")))

    static let hello = Message.hello(.init(rid: 1, versions: [1], auth: .init(scheme: "anonymous")))
    static let ping = Message.ping(.init(nonce: 42))

    /// The welcome, announcing per-frame compression when `compression` is set.
    static func welcome(compression: Wire.Compression? = nil) -> Message {
        .welcome(.init(
            rid: 1, version: 1, session: "s1", resumeToken: "r1", identity: .init(user: "ana", role: .agent),
            limits: SessionConfiguration().limits, serverTime: 1_000, compression: compression))
    }

    static let announced = Wire.Compression(enabled: true, threshold: 512, level: 6)

    /// What a server writes, in order: every kind of outbound item, small and large.
    static var items: [Outbound] {
        [
            .message(welcome()), .message(ping), .event(seq: 1, SharedEvent(smallEvent)),
            .event(seq: 300, SharedEvent(largeEvent)), .message(largeEvent.settingSeq(301)), .event(seq: 1 << 40, SharedEvent(largeEvent)),
        ]
    }

    /// A profile of `binding` with the server's default limits.
    static func profile(_ binding: Binding, compression: (any CompressionProvider)? = nil, maxMessage: Int = 65_536) -> ConnectionProfile {
        ConnectionProfile(binding: binding, compression: compression, limits: .init(maxFramePayload: 65_536, maxMessage: maxMessage))
    }

    /// permessage-deflate with context takeover both ways and full windows.
    static let deflate = PerMessageDeflateCompression(serverSideOf: PerMessageDeflateParameters(
        serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15,
        responseHeaderValue: "permessage-deflate"))

    /// permessage-deflate with `server_no_context_takeover` (where splicing is free, COMP-20).
    static let deflateNoTakeover = PerMessageDeflateCompression(serverSideOf: PerMessageDeflateParameters(
        serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15,
        responseHeaderValue: "permessage-deflate; server_no_context_takeover"))

    /// Every item `codec` decodes from `bytes` of the byte stream.
    static func decodeStream(_ bytes: [UInt8], with codec: ConnectionCodec) -> [InboundItem] {
        codec.receive(bytes)
        return drain(codec)
    }

    /// Every item the codec can decode from what it was given.
    static func drain(_ codec: ConnectionCodec) -> [InboundItem] {
        var items: [InboundItem] = []
        while let item = codec.next() { items.append(item) }
        return items
    }
}
