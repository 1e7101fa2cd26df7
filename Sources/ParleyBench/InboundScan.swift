import ParleyWire

/// Reads just enough of a server message to account for it without decoding it: whether it
/// is a sequenced event (`event`, `readMarker`, `invitation`, `invitationAnswered`) and its
/// session `seq`. Everything else is decoded in full by the caller (results, pings, errors:
/// rare next to deliveries).
enum InboundScan {
    /// A sequenced event and its session sequence number, or `nil` for any other message.
    static func sequenced(_ payload: UnsafeRawBufferPointer, json: Bool) -> UInt64? {
        json ? sequencedJSON(payload) : sequencedBinary(payload)
    }

    /// Binary (EventEnvelope): `varint(type) 0x08 varint(seq) body`.
    private static func sequencedBinary(_ p: UnsafeRawBufferPointer) -> UInt64? {
        var i = 0
        guard let type = varint(p, &i), isSequenced(type), i < p.count, p[i] == 0x08 else { return nil }
        i += 1
        return varint(p, &i)
    }

    /// JSON (EventEnvelope): `{"type":"NAME","seq":N` then `,` or `}`.
    private static func sequencedJSON(_ p: UnsafeRawBufferPointer) -> UInt64? {
        let head: StaticString = "{\"type\":\""
        guard p.count > 24, matches(p, at: 0, head) else { return nil }
        var i = head.utf8CodeUnitCount
        let nameStart = i
        while i < p.count, p[i] != UInt8(ascii: "\"") { i += 1 }
        let name = UnsafeRawBufferPointer(rebasing: p[nameStart..<i])
        guard sequencedNames.contains(where: { $0.elementsEqual(name) }) else { return nil }
        let seqKey: StaticString = "\",\"seq\":"
        guard matches(p, at: i, seqKey) else { return nil }
        i += seqKey.utf8CodeUnitCount
        var value: UInt64 = 0
        let digitsStart = i
        while i < p.count, p[i] >= 0x30, p[i] <= 0x39 {
            value = value &* 10 &+ UInt64(p[i] - 0x30)
            i += 1
        }
        return i > digitsStart ? value : nil
    }

    private static let sequencedNames: [[UInt8]] = ["event", "readMarker", "invitation", "invitationAnswered"].map { Array($0.utf8) }

    private static func isSequenced(_ type: UInt64) -> Bool { type == 34 || type == 35 || type == 54 || type == 56 }

    private static func matches(_ p: UnsafeRawBufferPointer, at start: Int, _ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard start + n <= p.count else { return false }
        let t = text.utf8Start
        for k in 0..<n where p[start + k] != t[k] { return false }
        return true
    }

    private static func varint(_ p: UnsafeRawBufferPointer, _ i: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while i < p.count, shift < 64 {
            let byte = p[i]
            i += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
