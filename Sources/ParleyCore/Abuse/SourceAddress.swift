/// The network address a connection comes from, IPv4 or IPv6, as a value (ABUSE-1).
///
/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is the IPv4 address, so a dual-stack
/// listener and an IPv4 one key the same client alike.
public enum SourceAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address, most significant byte first.
    case ipv4(UInt32)
    /// An IPv6 address as its high and low 64 bits.
    case ipv6(high: UInt64, low: UInt64)

    /// The address of connections that have no network peer (in-process, simulated): 127.0.0.1.
    public static let loopback = SourceAddress.ipv4(0x7F00_0001)

    /// Parses a dotted-quad IPv4 or a textual IPv6 address (RFC 4291 §2.2, with `::` and a
    /// trailing dotted quad; no zone index), or `nil`.
    public init?(_ text: some StringProtocol) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            self = .ipv4(v4)
        } else if let (high, low) = Self.parseIPv6(Substring(text)) {
            self = (high == 0 && low >> 32 == 0xFFFF) ? .ipv4(UInt32(truncatingIfNeeded: low)) : .ipv6(high: high, low: low)
        } else {
            return nil
        }
    }

    /// The number of bits of the address (32 or 128).
    public var bitWidth: Int {
        switch self {
        case .ipv4: 32
        case .ipv6: 128
        }
    }

    /// The address with every bit after the first `prefix` set to zero (`prefix` is clamped to
    /// the address's width).
    public func masked(to prefix: Int) -> SourceAddress {
        let prefix = max(0, min(prefix, bitWidth))
        switch self {
        case .ipv4(let value):
            // Smart shifts: shifting by the full width gives zero.
            return .ipv4(value & ~(UInt32.max >> prefix))
        case .ipv6(let high, let low):
            return .ipv6(high: high & ~(UInt64.max >> prefix), low: low & ~(UInt64.max >> max(0, prefix - 64)))
        }
    }

    /// Dotted quad for IPv4; eight groups of hexadecimal digits for IPv6 (not compressed).
    public var description: String {
        switch self {
        case .ipv4(let value):
            return (0..<4).map { String((value >> UInt32(24 - 8 * $0)) & 0xFF) }.joined(separator: ".")
        case .ipv6(let high, let low):
            return (0..<8).map { group in
                let word = group < 4 ? high : low
                return String((word >> UInt64(48 - 16 * (group % 4))) & 0xFFFF, radix: 16)
            }.joined(separator: ":")
        }
    }

    private static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let byte = UInt32(part), byte <= 255 else { return nil }
            value = value << 8 | byte
        }
        return value
    }

    private static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        var halves: [Substring] = [text]
        if let gap = text.firstRange(of: "::") {
            halves = [text[..<gap.lowerBound], text[gap.upperBound...]]
            guard !halves[1].contains("::") else { return nil }
        }
        func groups(_ part: Substring, allowTrailingIPv4: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowTrailingIPv4, index == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                    result += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let group = UInt16(piece, radix: 16) else { return nil }
                    result.append(group)
                }
            }
            return result
        }
        let all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowTrailingIPv4: false), let tail = groups(halves[1], allowTrailingIPv4: true),
                  head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let groups = groups(halves[0], allowTrailingIPv4: true), groups.count == 8 else { return nil }
            all = groups
        }
        let word = { (range: Range<Int>) in all[range].reduce(UInt64(0)) { $0 << 16 | UInt64($1) } }
        return (word(0..<4), word(4..<8))
    }
}
