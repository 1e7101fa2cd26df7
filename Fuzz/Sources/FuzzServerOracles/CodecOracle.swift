import ParleyCompression
import ParleyTransport
import ParleyWire

/// Checks `ConnectionCodec` on the byte stream as a peer feeds it. An input is one settings
/// byte, then the peer's bytes: bit 0 turns per-frame compression on (as after a welcome that
/// announces it), bits 1…3 pick the size of the reads (``reads``; 0 is one read).
///
/// Rules: the items do not depend on how the bytes are split; a fatal failure is the last item
/// and the codec is stopped exactly when there is one; every decoded message survives the
/// codec's own encoder and decoder unchanged.
public enum CodecOracle {
    /// The read sizes bits 1…3 of the settings byte choose from.
    static let reads = [0, 1, 2, 3, 5, 7, 16, 64]
    /// The limits of the codec under test: small, so the fuzzer reaches them.
    static let limits = ConnectionProfile.Limits(maxFramePayload: 4_096, maxMessage: 4_096)
    /// The welcome that turns compression on.
    static let welcome = Message.welcome(.init(
        rid: 1, version: 1, session: "s", resumeToken: "r", identity: .init(user: "u", role: .visitor),
        limits: .init(
            maxFrame: 4_096, maxMessage: 4_096, maxText: 1_000, messageRate: 60, messageBurst: 10, typingRate: 10, typingBurst: 5,
            presenceRate: 10, presenceBurst: 5, heartbeatMs: 1_000, heartbeatTimeoutMs: 3_000, resumeWindowMs: 1_000,
            maxSubscriptions: 10, idempotencyWindowMs: 1_000, handshakeTimeoutMs: 1_000, maxAttachments: 1, historyPageMax: 10),
        serverTime: 0, compression: .init(enabled: true, threshold: 0, level: 1)))

    /// Checks one fuzzer input.
    public static func check(_ input: UnsafeRawBufferPointer) throws(OracleFailure) {
        guard let settings = input.first else { return }
        let compressed = settings & 1 == 1
        let read = reads[Int(settings >> 1) & 7]
        let bytes = Array(input.dropFirst())
        let (whole, wholeStopped) = decode(bytes, compressed: compressed, read: 0)
        let (split, splitStopped) = decode(bytes, compressed: compressed, read: read)
        try OracleFailure.require(whole == split && wholeStopped == splitStopped, "reads of \(read) bytes: \(split), in one piece: \(whole)")
        for (index, item) in whole.enumerated() {
            switch item {
            case .failure(let error, _) where error.code.isFatal:
                try OracleFailure.require(index == whole.count - 1, "item \(index), fatal \(error), is not the last")
            case .failure:
                break
            case .message(let message):
                try roundTrip(message)
            }
        }
        let endsFatal = if case .failure(let error, _)? = whole.last { error.code.isFatal } else { false }
        try OracleFailure.require(wholeStopped == endsFatal, "stopped \(wholeStopped), last item \(String(describing: whole.last))")
    }

    /// What a fresh codec decodes from `bytes` given in reads of `read` bytes (0: one read),
    /// and whether it stopped.
    static func decode(_ bytes: [UInt8], compressed: Bool, read: Int) -> ([InboundItem], Bool) {
        let codec = try! ConnectionCodec(profile: ConnectionProfile(binding: .stream, compression: FrameCompression(), limits: limits))
        if compressed {
            var ignored: [UInt8] = []
            codec.encode(.message(welcome), appendingTo: &ignored)
        }
        var items: [InboundItem] = []
        var start = 0
        repeat {
            let end = read == 0 ? bytes.count : min(bytes.count, start + read)
            codec.receive(Array(bytes[start..<end]))
            while let item = codec.next() { items.append(item) }
            start = end
        } while start < bytes.count
        return (items, codec.isStopped)
    }

    /// `message` encoded by a codec and decoded by another is `message`.
    static func roundTrip(_ message: Message) throws(OracleFailure) {
        let roomy = ConnectionProfile.Limits(maxFramePayload: 1 << 20, maxMessage: 1 << 20)
        let encoder = try! ConnectionCodec(profile: ConnectionProfile(binding: .stream, limits: roomy))
        let decoder = try! ConnectionCodec(profile: ConnectionProfile(binding: .stream, limits: roomy))
        var bytes: [UInt8] = []
        encoder.encode(.message(message), appendingTo: &bytes)
        decoder.receive(bytes)
        let again = decoder.next()
        try OracleFailure.require(again == .message(message), "\(message.name) came back as \(String(describing: again))")
    }
}
