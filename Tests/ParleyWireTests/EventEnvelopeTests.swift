import ParleyTestSupport
import ParleyWire
import Testing

/// The shared body plus the per-session envelope rebuild exactly the canonical message (HUB-5).
@Suite struct EventEnvelopeTests {
    @Test("body + envelope == canonical encoding, for every message type, both encodings, framed or not")
    func reassembles() throws {
        var rng = SeededRandom(seed: 21)
        for _ in 0..<3_000 {
            let original = Message.arbitrary(&rng)
            let seq = original.seq.map { _ in UInt64.random(in: 0...1_000_000, using: &rng) }
            let message = seq.map { original.settingSeq($0) } ?? original
            for encoding in [EventEnvelope.Encoding.binary, .json] {
                var body: [UInt8] = []
                EventEnvelope.appendBody(of: original, encoding: encoding, to: &body)
                var rebuilt: [UInt8] = []
                EventEnvelope.append(type: message.typeCode, seq: seq, body: body[...], encoding: encoding, framed: false, to: &rebuilt)
                #expect(rebuilt == (encoding == .binary ? message.binary : message.json))
            }
            var body: [UInt8] = []
            EventEnvelope.appendBody(of: original, encoding: .binary, to: &body)
            var framed: [UInt8] = []
            EventEnvelope.append(type: message.typeCode, seq: seq, body: body[...], encoding: .binary, framed: true, to: &framed)
            var expected: [UInt8] = []
            Frame.encode(message, into: &expected)
            #expect(framed == expected)
            if let seq {
                var unframed: [UInt8] = []
                EventEnvelope.append(type: message.typeCode, seq: seq, body: body[...], encoding: .binary, framed: false, to: &unframed)
                #expect(EventEnvelope.binaryCount(type: message.typeCode, seq: seq, bodyCount: body.count) == unframed.count)
            }
        }
    }
}
