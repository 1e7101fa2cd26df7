/// A block of addresses in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or one address):
/// the reverse proxies a server trusts to name the client's address (ABUSE-13).
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the range.
    public let base: SourceAddress
    /// How many leading bits an address shares with ``base`` to be in the range.
    public let prefix: Int

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`, or `nil` if either part is invalid.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = SourceAddress(parts[0]) else { return nil }
        var prefix = address.bitWidth
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...address.bitWidth).contains(given) else { return nil }
            prefix = given
        }
        self.base = address.masked(to: prefix)
        self.prefix = prefix
    }

    /// Whether `address` is in the range (an IPv4 address is never in an IPv6 range, nor the reverse).
    public func contains(_ address: SourceAddress) -> Bool {
        address.bitWidth == base.bitWidth && address.masked(to: prefix) == base
    }

    /// `BASE/PREFIX`.
    public var description: String { "\(base)/\(prefix)" }
}
