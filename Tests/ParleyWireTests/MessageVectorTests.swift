import ParleyTestSupport
import ParleyWire
import Testing

/// Runs every vector of `Spec/vectors/messages-*.json`: adding a vector adds a test case.
@Suite("Spec/vectors: messages")
struct MessageVectorTests {
    @Test("messages-valid.json", arguments: Vectors.valid)
    func valid(_ vector: ValidVector) throws {
        let fromBinary = try Message.decodeBinary(Hex.bytes(vector.hex))
        let fromJSON = try Message.decodeJSON(Array((vector.jsonInput ?? vector.json).utf8))
        #expect(fromBinary == fromJSON, "binary and JSON forms decode to the same message (ENC-7)")
        #expect(String(decoding: fromBinary.json, as: UTF8.self) == vector.json, "canonical JSON text")
        if vector.canonical {
            #expect(Hex.string(fromBinary.binary) == vector.hex, "binary re-encodes byte for byte")
            var framed: [UInt8] = []
            Frame.encode(fromBinary, into: &framed)
            #expect(Hex.string(framed) == vector.frame, "MESSAGE frame")
        }
    }

    @Test("messages-invalid-binary.json", arguments: Vectors.invalidBinary)
    func invalidBinary(_ vector: InvalidVector) {
        let error = #expect(throws: WireError.self) { try Message.decodeBinary(vector.bytes) }
        #expect(error?.code.name == vector.error, "\(vector.description): got \(String(describing: error))")
    }

    @Test("messages-invalid-json.json", arguments: Vectors.invalidJSON)
    func invalidJSON(_ vector: InvalidVector) {
        let error = #expect(throws: WireError.self) { try Message.decodeJSON(vector.bytes) }
        #expect(error?.code.name == vector.error, "\(vector.description): got \(String(describing: error))")
    }

    @Test("every message type has a valid vector (MSG-1)")
    func everyTypeCovered() throws {
        var covered = Set<String>()
        for vector in Vectors.valid { covered.insert(try Message.decodeBinary(Hex.bytes(vector.hex)).name) }
        var rng = SeededRandom(seed: 1)
        var all = Set<String>()
        for _ in 0..<5_000 { all.insert(Message.arbitrary(&rng).name) }
        #expect(all.subtracting(covered).isEmpty)
        #expect(Vectors.valid.count + Vectors.invalidBinary.count + Vectors.invalidJSON.count
            + Vectors.validFrames.count + Vectors.invalidFrames.count >= 100)
    }
}
