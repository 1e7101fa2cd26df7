/// Splits a server message into bytes shared by every recipient and a per-session envelope,
/// so a fan-out encodes an event once (HUB-5) although each session numbers it (SESSION seq).
///
/// For an event (a message whose field 1 is `seq`), the shared *body* is every field after
/// `seq`: in binary the field bytes, in JSON the members after `"seq"` without the braces.
/// The envelope restores the rest: binary `varint(type) 08 varint(seq)` + body; JSON
/// `{"type":"NAME","seq":N` + `,` + body + `}`. Any other message is shared whole and written
/// as it is. Both reassemble to exactly the canonical encoding of the message with that `seq`.
public enum EventEnvelope {
    /// The two encodings a body can be shared in.
    public enum Encoding: Sendable, Hashable {
        /// The binary encoding (ENC section).
        case binary
        /// The JSON encoding (JSON section).
        case json
    }

    /// Appends `message`'s shared body in `encoding` to `buffer`.
    public static func appendBody(of message: Message, encoding: Encoding, to buffer: inout [UInt8]) {
        let start = buffer.count
        let sequenced = message.seq != nil
        let probe = sequenced ? message.settingSeq(0) : message
        switch encoding {
        case .binary:
            probe.encodeBinary(into: &buffer)
            if sequenced {
                // Drop varint(type), the seq key (0x08) and the zero seq (0x00).
                buffer.removeSubrange(start..<(start + Varint.encodedLength(message.typeCode) + 2))
            }
        case .json:
            probe.encodeJSON(into: &buffer)
            if sequenced {
                // Drop `{"type":"NAME","seq":0` and the comma or brace after it, and the final `}`.
                let head = 19 + message.name.utf8.count
                let hasMembers = buffer[start + head - 1] == UInt8(ascii: ",")
                buffer.removeLast()
                if hasMembers {
                    buffer.removeSubrange(start..<(start + head))
                } else {
                    buffer.removeSubrange(start..<buffer.count)
                }
            }
        }
    }

    /// The size of the binary payload ``append(type:seq:body:encoding:framed:to:)`` writes for
    /// an event of type `type` stamped with `seq` around a body of `bodyCount` bytes, unframed.
    public static func binaryCount(type: UInt64, seq: UInt64, bodyCount: Int) -> Int {
        Varint.encodedLength(type) + 1 + Varint.encodedLength(seq) + bodyCount
    }

    /// Appends the message of type `type` (an event when `seq` is given) rebuilt from its
    /// shared body. With `framed`, wraps it in a MESSAGE frame (FRAME-1) for the byte stream.
    public static func append(
        type: UInt64, seq: UInt64?, body: ArraySlice<UInt8>, encoding: Encoding, framed: Bool,
        to buffer: inout [UInt8]
    ) {
        var lengthAt = 0
        if framed {
            buffer.append(FrameType.message.rawValue)
            buffer.append(0)
            lengthAt = buffer.count
            buffer.append(0)
        }
        if let seq {
            switch encoding {
            case .binary:
                Varint.append(type, to: &buffer)
                buffer.append(0x08)
                Varint.append(seq, to: &buffer)
                buffer.append(contentsOf: body)
            case .json:
                JSONWriter.appending(to: &buffer) { w in
                    w.beginObject()
                    w.key("type")
                    w.string(Message.name(ofType: type) ?? "")
                    w.key("seq")
                    w.uint(seq)
                }
                if !body.isEmpty {
                    buffer.append(UInt8(ascii: ","))
                    buffer.append(contentsOf: body)
                }
                buffer.append(UInt8(ascii: "}"))
            }
        } else {
            buffer.append(contentsOf: body)
        }
        if framed { Varint.patchLength(in: &buffer, at: lengthAt) }
    }
}
