import ParleyWire

extension ConnectionCodec {
    /// Takes bytes of the byte stream, in any split; ``next()`` then returns what they hold.
    /// Ignored once decoding stopped.
    public func receive(_ bytes: UnsafeRawBufferPointer) {
        guard !isStopped else { return }
        frames.append(bytes)
    }

    /// Takes bytes of the byte stream, in any split; ``next()`` then returns what they hold.
    public func receive(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { receive($0) }
    }

    /// The next message or failure in the byte stream's input, `nil` when more bytes are
    /// needed or decoding stopped.
    ///
    /// A frame that does not decode is a non-fatal failure naming its type when it has one
    /// (VER-4), and decoding goes on; a broken frame, an oversized one (FRAME-5) or a
    /// compressed one that does not inflate (COMP-5…COMP-7) is fatal and stops decoding.
    public func next() -> InboundItem? {
        guard !isStopped else { return nil }
        frames.allowsCompression = inflater != nil
        do {
            guard let frame = try frames.next() else { return nil }
            do {
                return .message(try frame.message(inflater: inflater))
            } catch where !error.code.isFatal {
                return .failure(error, messageType: BinaryPayload.messageType(frame.payload))
            }
        } catch {
            return fail(error)
        }
    }

    /// Decodes one complete WebSocket message (its fragments joined by the WebSocket
    /// library), `compressed` when its first frame had RSV1 set (COMP-15).
    ///
    /// Fatal, stopping decoding: RSV1 without negotiated permessage-deflate (COMP-9), a
    /// message over ``ConnectionProfile/Limits/maxMessage`` (WS-3) or inflating past it, a
    /// message of the other kind than the subprotocol's (WS-2), or an undecodable one whose
    /// error is fatal. Not fatal: a message that does not decode for a reason that spares
    /// the connection, naming its type when known (VER-4).
    /// - Returns: what the message holds, `nil` if decoding had stopped.
    public func decode(webSocketMessage bytes: UnsafeRawBufferPointer, kind: WebSocketMessageKind, compressed: Bool) -> InboundItem? {
        guard !isStopped else { return nil }
        if let refused = checkWebSocketMessage(byteCount: bytes.count, compressed: compressed) { return refused }
        guard compressed, let inflater else { return decodeWebSocket(bytes, kind: kind) }
        let inflated: [UInt8]
        do {
            inflated = try inflater.inflated(Array(bytes))
        } catch {
            return fail(error)
        }
        return inflated.withUnsafeBytes { decodeWebSocket($0, kind: kind) }
    }

    /// Decodes one complete WebSocket message; see ``decode(webSocketMessage:kind:compressed:)-(UnsafeRawBufferPointer,_,_)``.
    public func decode(webSocketMessage bytes: [UInt8], kind: WebSocketMessageKind, compressed: Bool) -> InboundItem? {
        bytes.withUnsafeBytes { decode(webSocketMessage: $0, kind: kind, compressed: compressed) }
    }

    /// Decodes an uncompressed WebSocket message in the subprotocol's encoding (WS-2).
    private func decodeWebSocket(_ bytes: UnsafeRawBufferPointer, kind: WebSocketMessageKind) -> InboundItem? {
        let json = profile.binding == .webSocketJSON
        guard kind == (json ? .text : .binary) else {
            return fail(WireError(.encodingNotNegotiated, "a \(kind == .text ? "text" : "binary") message under the other subprotocol (WS-2)"))
        }
        let result = Result { () throws(WireError) in json ? try Message.decodeJSON(bytes) : try Message.decodeBinary(bytes) }
        switch result {
        case .success(let message):
            return .message(message)
        case .failure(let error) where !error.code.isFatal:
            return .failure(error, messageType: json ? nil : BinaryPayload.messageType(bytes))
        case .failure(let error):
            return fail(error)
        }
    }

    /// Checks a WebSocket message as its fragments arrive, so a transport that joins them can
    /// stop before the whole message is buffered: RSV1 set without negotiated
    /// permessage-deflate (COMP-9), then the size so far against
    /// ``ConnectionProfile/Limits/maxMessage`` (WS-3). On either, decoding stops and the
    /// failure to hand to the server is returned; otherwise `nil`.
    public func checkWebSocketMessage(byteCount: Int, compressed: Bool) -> InboundItem? {
        if compressed && inflater == nil {
            return fail(WireError(.compressionNotNegotiated, "RSV1 set but permessage-deflate was not negotiated (COMP-9)"))
        }
        guard byteCount > profile.limits.maxMessage else { return nil }
        return fail(WireError(.messageTooLarge, "a WebSocket message exceeds \(profile.limits.maxMessage) bytes (WS-3)"))
    }
}
