import ParleyTestSupport
import ParleyCompression
import Testing

/// COMP-15…COMP-18 and COMP-21 over long randomized connections: own messages, spliced shared
/// messages and empty messages in any order, with and without context takeover, always
/// decode to what was sent.
@Suite struct PerMessageDeflatePropertyTests {
    @Test(arguments: [(false, 15, UInt64(1)), (true, 15, 2), (false, 9, 3), (true, 12, 4)])
    func randomConnection(noContextTakeover: Bool, windowBits: Int, seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let encoder = try PerMessageDeflateEncoder(windowBits: windowBits, noContextTakeover: noContextTakeover, level: CompressionLevel(rawValue: Int(seed) % 10)!)
        let decoder = try PerMessageDeflateDecoder(noContextTakeover: noContextTakeover, maxMessage: 1 << 16)
        let shareDeflater = try Deflater(format: .rawDeflate, windowBits: windowBits)
        var bodies: [([UInt8], SharedDeflateBody)] = []
        for index in 0..<8 {
            let plain = TestData.text(count: Int(random.next() % 2000), seed: UInt64(index))
            bodies.append((plain, try SharedDeflateBody(compressing: plain, with: shareDeflater)))
        }
        var payload: [UInt8] = []
        for step in 0..<2000 {
            payload.removeAll(keepingCapacity: true)
            let message: [UInt8]
            switch random.next() % 4 {
            case 0:
                let (plain, body) = bodies[Int(random.next() % UInt64(bodies.count))]
                let prefix = TestData.text(count: Int(random.next() % 40), seed: random.next())
                let suffix = TestData.text(count: Int(random.next() % 3), seed: random.next())
                try encoder.appendShared(prefix: prefix, body: body, suffix: suffix, appendingTo: &payload)
                message = prefix + plain + suffix
            case 1:
                message = []
                try encoder.compress(message, appendingTo: &payload)
            default:
                // Often a near-repeat of a shared body, which takeover would love to refer to.
                let (plain, _) = bodies[Int(random.next() % UInt64(bodies.count))]
                message = Array(plain.prefix(Int(random.next() % 600))) + TestData.text(count: Int(random.next() % 200), seed: random.next())
                try encoder.compress(message, appendingTo: &payload)
            }
            let decoded = try decoder.decompress(payload)
            #expect(decoded == message, "step \(step)")
            if decoded != message { return }
        }
    }
}
