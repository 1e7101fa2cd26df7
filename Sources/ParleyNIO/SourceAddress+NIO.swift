import NIOCore
import NIOHTTP1
import ParleyCore

extension SourceAddress {
    /// The IP address of a NIO socket address, or loopback for one without (a Unix socket).
    public init(peer: SocketAddress?) {
        self = peer?.ipAddress.flatMap { SourceAddress($0) } ?? .loopback
    }

    /// The client's address for a WebSocket upgrade from `peer` (ABUSE-13): when `peer` is one of
    /// the `trusted` proxies, the rightmost address of `X-Forwarded-For` (else of `Forwarded:
    /// for=`, RFC 7239) that is not itself a trusted proxy; otherwise, or when that header is
    /// missing or names something that is not an address, `peer` itself.
    public static func forwarded(peer: SourceAddress, headers: HTTPHeaders, trusted: [AddressRange]) -> SourceAddress {
        guard trusted.contains(where: { $0.contains(peer) }) else { return peer }
        let forwardedFor = headers["X-Forwarded-For"].flatMap { $0.split(separator: ",") }.map(trimmed)
        let chain = !forwardedFor.isEmpty ? forwardedFor : headers["Forwarded"].flatMap { $0.split(separator: ",") }.compactMap(forNode)
        for entry in chain.reversed() {
            guard let address = SourceAddress(entry) else { return peer }
            if !trusted.contains(where: { $0.contains(address) }) { return address }
        }
        return peer
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return text[first...last]
    }

    /// The address in one `Forwarded` element's `for=` parameter: `for=192.0.2.1`,
    /// `for="192.0.2.1:4711"`, `for="[2001:db8::1]:4711"`; an obfuscated or unknown node gives
    /// text that does not parse as an address.
    private static func forNode(_ element: Substring) -> Substring? {
        for pair in element.split(separator: ";") {
            let pair = trimmed(pair)
            guard pair.lowercased().hasPrefix("for=") else { continue }
            var node = pair.dropFirst(4)
            if node.first == "\"", node.last == "\"", node.count >= 2 { node = node.dropFirst().dropLast() }
            if node.first == "[", let close = node.firstIndex(of: "]") { return node[node.index(after: node.startIndex)..<close] }
            // IPv4 with a port: one colon. A bare IPv6 address (not allowed unquoted) has more.
            if node.filter({ $0 == ":" }).count == 1, let colon = node.firstIndex(of: ":") { return node[..<colon] }
            return node
        }
        return nil
    }
}
