import ParleyWire
import Testing

@Suite struct VarintTests {
    func read(_ bytes: [UInt8]) throws(WireError) -> Varint.ReadResult {
        try bytes.withUnsafeBytes { raw in Result { () throws(WireError) in try Varint.read(raw) } }.get()
    }

    @Test(arguments: [UInt64(0), 1, 127, 128, 300, 16_383, 16_384, 1 << 32, Varint.maxValue])
    func roundTrips(_ value: UInt64) throws {
        var buffer: [UInt8] = []
        Varint.append(value, to: &buffer)
        #expect(buffer.count == Varint.encodedLength(value))
        #expect(try read(buffer) == .value(value, length: buffer.count))
        // Every strict prefix needs more data.
        for cut in 0..<buffer.count {
            #expect(try read(Array(buffer[..<cut])) == .needMoreData)
        }
    }

    @Test func rejectsNonMinimalTooLongAndTooLarge() {
        #expect(throws: WireError(.badVarint, "varint is not minimally encoded")) { try read([0x80, 0x00]) }
        #expect(throws: WireError(.badVarint, "varint longer than 8 bytes")) {
            try read([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        }
        var big: [UInt8] = []
        Varint.append(Varint.maxValue + 1, to: &big)
        #expect(throws: WireError(.badVarint, "varint exceeds 2^53-1")) { try read(big) }
    }
}
