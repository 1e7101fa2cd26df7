import ParleyCore
import ParleyWire

extension ConnectionCodec {
    /// Appends `item` to `output` as the connection's binding carries it: on the byte stream
    /// one whole frame (so many items make one write), on WebSocket the payload of one
    /// message (clear `output` between messages). Shared events are written as this
    /// session's envelope around their shared body, never re-encoded (HUB-5, HUB-7).
    ///
    /// With compression on, a payload is compressed as the ``PayloadCompressor`` decides
    /// (the threshold, COMP-3); a shared event's binary body is compressed once for all its
    /// recipients and spliced into each frame or binary message when the compressor can
    /// (COMP-19…COMP-21). On the byte stream a welcome announcing compression turns it on for
    /// every frame after it (COMP-2).
    ///
    /// On the in-process binding messages travel as values; the codec frames them as on the
    /// byte stream.
    /// - Complexity: O(item's size); no allocation once the codec's reused buffers and
    ///   `output` have grown to the item's size.
    @discardableResult
    public func encode(_ item: Outbound, appendingTo output: inout [UInt8]) -> EncodedMessage {
        switch profile.binding {
        case .stream, .inProcess:
            let compressed = appendFrame(item, to: &output)
            if case .message(.welcome(let welcome)) = item { startCompression(announced: welcome.compression) }
            return EncodedMessage(kind: .binary, compressed: compressed)
        case .webSocketJSON:
            return EncodedMessage(kind: .text, compressed: appendWebSocketPayload(item, encoding: .json, to: &output))
        case .webSocketBinary:
            return EncodedMessage(kind: .binary, compressed: appendWebSocketPayload(item, encoding: .binary, to: &output))
        }
    }

    /// Appends `item` as one byte-stream frame, compressed when the compressor takes it;
    /// returns whether it did.
    private func appendFrame(_ item: Outbound, to output: inout [UInt8]) -> Bool {
        guard let compressor else {
            switch item {
            case .message(let message): Frame.encode(message, into: &output)
            case .event(let seq, let shared): shared.append(seq: seq, encoding: .binary, framed: true, to: &output)
            }
            return false
        }
        if case .event(let seq, let shared) = item,
           !compressor.mayCompress(payloadCount: EventEnvelope.binaryCount(type: shared.message.typeCode, seq: seq, bodyCount: shared.binaryBody.count)) {
            // Under the threshold: the frame is written straight from the shared body.
            shared.append(seq: seq, encoding: .binary, framed: true, to: &output)
            return false
        }
        if splice(item, with: compressor) {
            compressed.withUnsafeBytes { Frame.encode(flags: .compressed, payload: $0, into: &output) }
            return true
        }
        encodePayload(item, encoding: .binary)
        compressed.removeAll(keepingCapacity: true)
        let isCompressed = compressor.appendCompressed(payload, to: &compressed)
        (isCompressed ? compressed : payload).withUnsafeBytes {
            Frame.encode(flags: isCompressed ? .compressed : [], payload: $0, into: &output)
        }
        return isCompressed
    }

    /// Appends `item`'s payload for one WebSocket message in `encoding`, compressed when the
    /// negotiated permessage-deflate compressor takes it; returns whether it did.
    private func appendWebSocketPayload(_ item: Outbound, encoding: EventEnvelope.Encoding, to output: inout [UInt8]) -> Bool {
        guard let compressor else {
            Self.appendPayload(item, encoding: encoding, to: &output)
            return false
        }
        if encoding == .binary && splice(item, with: compressor) {
            output.append(contentsOf: compressed)
            return true
        }
        encodePayload(item, encoding: encoding)
        compressed.removeAll(keepingCapacity: true)
        let isCompressed = compressor.appendCompressed(payload, to: &compressed)
        output.append(contentsOf: isCompressed ? compressed : payload)
        return isCompressed
    }

    /// Puts a shared event's binary payload, compressed by splicing this delivery's envelope
    /// before the body compressed once for all recipients (COMP-19), into the reused
    /// ``compressed`` buffer; `false` for a message, or when the compressor does not splice.
    private func splice(_ item: Outbound, with compressor: any PayloadCompressor) -> Bool {
        guard case .event(let seq, let shared) = item else { return false }
        envelope.removeAll(keepingCapacity: true)
        EventEnvelope.append(type: shared.message.typeCode, seq: seq, body: [], encoding: .binary, framed: false, to: &envelope)
        compressed.removeAll(keepingCapacity: true)
        return compressor.appendSpliced(prefix: envelope, event: shared, to: &compressed)
    }

    /// Encodes `item`'s unframed payload into the reused ``payload`` buffer.
    private func encodePayload(_ item: Outbound, encoding: EventEnvelope.Encoding) {
        payload.removeAll(keepingCapacity: true)
        Self.appendPayload(item, encoding: encoding, to: &payload)
    }

    /// Appends `item`'s unframed payload in `encoding`.
    private static func appendPayload(_ item: Outbound, encoding: EventEnvelope.Encoding, to output: inout [UInt8]) {
        switch item {
        case .message(let message) where encoding == .json: message.encodeJSON(into: &output)
        case .message(let message): message.encodeBinary(into: &output)
        case .event(let seq, let shared): shared.append(seq: seq, encoding: encoding, framed: false, to: &output)
        }
    }

    /// Turns the byte stream's compression on in both directions, as the welcome just encoded
    /// announced (COMP-2). Nothing changes if it announced none, if compression is already on,
    /// or if the profile has no ``CompressionProvider`` (the connection then stays
    /// uncompressed, and a compressed frame from the peer is refused, COMP-5).
    private func startCompression(announced: Wire.Compression?) {
        guard let announced, announced.enabled, compressor == nil, let provider = profile.compression else { return }
        guard let compressor = try? provider.makeCompressor(announced: announced),
            let inflater = try? provider.makeInflater(maxMessage: profile.limits.maxMessage)
        else { return }
        self.compressor = compressor
        self.inflater = inflater
    }
}
