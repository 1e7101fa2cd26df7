/// A WebSocket upgrade response head as a scenario's `upgrade` step matches it
/// (Spec/scenarios/README.md): `{"status": 101, "protocol": "parley.v1.json",
/// "extensions": [{"name": "permessage-deflate", "server_max_window_bits": 10,
/// "server_no_context_takeover": true}]}`. Parameter values that are decimal digits become
/// integers, quoted values are unquoted, parameters without a value are `true`; `protocol`
/// and `extensions` are absent when the response has no such field.
public struct UpgradeAnswer: Sendable {
    /// The status code (0 when no status line arrived).
    public var status: UInt64 = 0
    /// The `Sec-WebSocket-Protocol` value.
    public var subprotocol: String?
    /// The `Sec-WebSocket-Extensions` elements, every field in order.
    public var extensions: [JSONValue] = []

    /// Parses a response head (status line and header fields).
    public init(head: [UInt8]) {
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: true)
        guard let statusLine = lines.first else { return }
        let parts = statusLine.split(separator: " ")
        if parts.count >= 2, let code = UInt64(parts[1]) { status = code }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = Self.trimmed(line[line.index(after: colon)...])
            if name == "sec-websocket-protocol" { subprotocol = value }
            if name == "sec-websocket-extensions" {
                extensions += value.split(separator: ",").map { Self.element(String($0)) }
            }
        }
    }

    /// The answer as the JSON value scenarios match.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["status": .uint(status)]
        if let subprotocol { members["protocol"] = .string(subprotocol) }
        if !extensions.isEmpty { members["extensions"] = .array(extensions) }
        return .object(members)
    }

    /// One extension element (`name; param; param=value`) as an object.
    private static func element(_ text: String) -> JSONValue {
        let pieces = text.split(separator: ";").map(trimmed)
        var members: [String: JSONValue] = ["name": .string(pieces.first ?? "")]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else {
                members[piece] = .bool(true)
                continue
            }
            var value = trimmed(piece[piece.index(after: equals)...])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            members[trimmed(piece[..<equals])] = UInt64(value).map(JSONValue.uint) ?? .string(value)
        }
        return .object(members)
    }

    private static func trimmed(_ text: some StringProtocol) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
