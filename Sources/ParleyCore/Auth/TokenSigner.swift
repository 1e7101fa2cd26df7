/// Signs and opens compact tokens: `base64url(fields joined by "|") "." base64url(HMAC-SHA256)`.
///
/// Every Parley token (agents' access tokens, visitors' session tokens, resume tokens) is one
/// of these, told apart by its first field (its *purpose*), so a token minted for one use is
/// never accepted for another (SESSION-6).
public struct TokenSigner: Sendable {
    private let key: [UInt8]

    /// Uses `key` (at least 32 random bytes in production) for every MAC.
    public init(key: [UInt8]) { self.key = key }

    /// The token carrying `fields`, or `nil` if a field contains the separator `|`.
    public func sign(_ fields: [String]) -> String? {
        guard !fields.contains(where: { $0.utf8.contains(UInt8(ascii: "|")) }) else { return nil }
        let payload = Array(fields.joined(separator: "|").utf8)
        return Base64URL.encode(payload) + "." + Base64URL.encode(HMACSHA256.authenticationCode(key: key, message: payload))
    }

    /// The fields of `token` if it is well-formed and its MAC is right, otherwise `nil`.
    public func open(_ token: String) -> [String]? {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 2,
              let payload = Base64URL.decode(String(decoding: parts[0], as: UTF8.self)),
              let mac = Base64URL.decode(String(decoding: parts[1], as: UTF8.self)),
              HMACSHA256.constantTimeEquals(mac, HMACSHA256.authenticationCode(key: key, message: payload)),
              let text = String(validating: payload, as: UTF8.self)
        else { return nil }
        return text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }
}
