/// HMAC-SHA256 (RFC 2104 with FIPS 180-4 SHA-256), for signed tokens.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticationCode(key: [UInt8], message: some Sequence<UInt8>) -> [UInt8] {
        var k = key.count > SHA256.blockCount ? SHA256.hash(key) : key
        k.append(contentsOf: repeatElement(0, count: SHA256.blockCount - k.count))
        var inner = SHA256()
        inner.update(k.lazy.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(k.lazy.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Compares two codes in time that depends only on their lengths, so a forger learns
    /// nothing from how long a rejection takes.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
