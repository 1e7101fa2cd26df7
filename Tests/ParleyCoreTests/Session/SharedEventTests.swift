import ParleyCore
import ParleyWire
import Testing

/// HUB-5, HUB-7: an event encoded once for all its recipients, JSON only when one needs it.
@Suite struct SharedEventTests {
    static let event = Message.event(.init(seq: 0, event: .init(
        conversation: "c1", cseq: 3, kind: .message, time: 5, sender: "ana", senderRole: .agent, text: "Hello \"there\" ✓")))

    @Test("each delivery decodes to the event with its own seq, in both encodings; the JSON body is made once")
    func bothEncodings() throws {
        let shared = SharedEvent(Self.event)
        for seq: UInt64 in [1, 300, 1 << 40] {
            var binary: [UInt8] = []
            shared.append(seq: seq, encoding: .binary, framed: false, to: &binary)
            #expect(try Message.decodeBinary(binary) == Self.event.settingSeq(seq))
            var json: [UInt8] = []
            shared.append(seq: seq, encoding: .json, framed: false, to: &json)
            #expect(try Message.decodeJSON(json) == Self.event.settingSeq(seq))
        }
        #expect(shared.jsonBody == shared.jsonBody)
        #expect(shared.count(.json) == shared.jsonBody.count && shared.count(.json) > 0)
    }

    @Test("an ephemeral message has no shared bodies (HUB-9)")
    func ephemeralHasNoBody() {
        let shared = SharedEvent(.typers(.init(conversation: "c1", typers: [])))
        #expect(shared.binaryBody.isEmpty && shared.jsonBody.isEmpty)
    }
}
