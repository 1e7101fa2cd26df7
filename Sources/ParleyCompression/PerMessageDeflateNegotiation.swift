/// The server's side of permessage-deflate negotiation (RFC 7692 §5, §7.1): its preferences,
/// and the choice of the first acceptable client offer with the response that answers it.
public struct PerMessageDeflateNegotiation: Hashable, Sendable {
    /// Reset the server's compressor after every message even if the client did not ask. Needed
    /// for compress-once fan-out to stay cheap (COMP-20) and for an idle connection to hold no
    /// compressor (COMP-23); costs ratio on long conversations. On by default.
    public var serverNoContextTakeover: Bool
    /// Ask the client to reset its compressor after every message, so the server's
    /// decompressor holds no window between messages (COMP-23). On by default.
    public var clientNoContextTakeover: Bool
    /// The largest window the server compresses with (8...15); lowered to the client's limit.
    public var serverMaxWindowBits: Int
    /// The window the server asks the client to stay within (8...15), when the client offers
    /// `client_max_window_bits`.
    public var clientMaxWindowBits: Int

    /// Server preferences; window bits are clamped into 8...15. The defaults ask for no context
    /// takeover in both directions (COMP-23): idle connections then cost no zlib state.
    public init(serverNoContextTakeover: Bool = true, clientNoContextTakeover: Bool = true, serverMaxWindowBits: Int = 15, clientMaxWindowBits: Int = 15) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = min(max(serverMaxWindowBits, ZlibFormat.minWindowBits), ZlibFormat.maxWindowBits)
        self.clientMaxWindowBits = min(max(clientMaxWindowBits, ZlibFormat.minWindowBits), ZlibFormat.maxWindowBits)
    }

    /// The extension name.
    public static let extensionName = "permessage-deflate"

    /// Chooses the first acceptable `permessage-deflate` offer among the request's
    /// `Sec-WebSocket-Extensions` field values (COMP-10…COMP-14).
    ///
    /// - Returns: the parameters in force and the response value, or `nil` when no offer is
    ///   acceptable (messages are then never compressed, and no response header is sent for it).
    public func negotiate(offerFieldValues: [String]) -> PerMessageDeflateParameters? {
        guard let header = ExtensionHeader(fieldValues: offerFieldValues) else { return nil }
        for element in header.elements where element.name == Self.extensionName {
            guard let offer = try? PerMessageDeflateOffer(parameters: element.parameters) else { continue }
            return accept(offer)
        }
        return nil
    }

    /// The answer to one valid offer; every valid offer is acceptable to this server.
    public func accept(_ offer: PerMessageDeflateOffer) -> PerMessageDeflateParameters {
        var response = [Self.extensionName]
        let serverReset = serverNoContextTakeover || offer.serverNoContextTakeover
        if serverReset { response.append("server_no_context_takeover") }
        let clientReset = clientNoContextTakeover || offer.clientNoContextTakeover
        if clientReset { response.append("client_no_context_takeover") }
        var serverBits = serverMaxWindowBits
        if let limit = offer.serverMaxWindowBits {
            serverBits = min(serverBits, limit)
            response.append("server_max_window_bits=\(serverBits)")
        }
        var clientBits = ZlibFormat.maxWindowBits
        switch offer.clientMaxWindowBits {
        case .notOffered:
            break
        case .supported:
            clientBits = clientMaxWindowBits
        case .upTo(let limit):
            clientBits = min(clientMaxWindowBits, limit)
        }
        if clientBits < ZlibFormat.maxWindowBits { response.append("client_max_window_bits=\(clientBits)") }
        return PerMessageDeflateParameters(
            serverNoContextTakeover: serverReset, clientNoContextTakeover: clientReset,
            serverMaxWindowBits: serverBits, clientMaxWindowBits: clientBits,
            responseHeaderValue: response.joined(separator: "; "))
    }
}
