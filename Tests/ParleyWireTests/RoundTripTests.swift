import ParleyTestSupport
import ParleyWire
import Testing

/// Round-trip properties over generated messages of every type (ENC-7, JSON-8).
@Suite struct RoundTripTests {
    @Test("binary → message → binary and JSON → message → JSON are identities; both decode alike", arguments: 0..<4)
    func roundTrips(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<2_500 {
            let message = Message.arbitrary(&rng)
            let binary = message.binary
            let json = message.json
            let fromBinary = try Message.decodeBinary(binary)
            let fromJSON = try Message.decodeJSON(json)
            #expect(fromBinary == message)
            #expect(fromJSON == message)
            #expect(fromBinary.binary == binary)
            #expect(fromJSON.json == json)
        }
    }

    @Test("many frames per buffer, split at random points, decode to the messages sent")
    func framedStreamsSplitAnywhere() throws {
        var rng = SeededRandom(seed: 99)
        var messages: [Message] = []
        var stream: [UInt8] = []
        for _ in 0..<500 {
            let message = Message.arbitrary(&rng)
            messages.append(message)
            Frame.encode(message, into: &stream)
        }
        for _ in 0..<20 {
            var decoder = FrameDecoder(maxPayload: Frame.maxPayloadLimit)
            var decoded: [Message] = []
            var offset = 0
            while offset < stream.count {
                let end = min(stream.count, offset + Int.random(in: 1...700, using: &rng))
                decoder.append(Array(stream[offset..<end]))
                offset = end
                while let frame = try decoder.next() { decoded.append(try Message.decodeBinary(Array(frame.payload))) }
            }
            try decoder.finish()
            #expect(decoded == messages)
        }
    }

    @Test("every message has one type code, name, kind and sender (MSG-1…MSG-3)")
    func metadata() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<2_000 {
            let message = Message.arbitrary(&rng)
            #expect(Message.name(ofType: message.typeCode) == message.name)
            #expect(Message.kind(ofType: message.typeCode) == message.kind)
            switch message.kind {
            case .command, .signal: #expect(message.sender == .client)
            case .result, .event, .ephemeral: #expect(message.sender == .server)
            case .control: #expect(message.sender == .both)
            }
        }
    }
}
