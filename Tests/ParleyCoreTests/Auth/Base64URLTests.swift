import ParleyCore
import ParleyTestSupport
import Testing

@Suite struct Base64URLTests {
    /// RFC 4648 section 10 vectors, unpadded.
    @Test(arguments: [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
                      ("foobar", "Zm9vYmFy")])
    func rfc4648(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func urlAlphabetAndRoundTrip() {
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        var random = SeededRandom(seed: 7)
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0..<40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test func rejectsPaddingForeignCharactersImpossibleLengthsAndStrayBits() {
        #expect(Base64URL.decode("Zg==") == nil)
        #expect(Base64URL.decode("Zm+v") == nil)
        #expect(Base64URL.decode("Zm9vY") == nil)
        #expect(Base64URL.decode("Zh") == nil)
    }
}
